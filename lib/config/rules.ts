// The rules between settings (idempotence, transactions, timeouts), checked once every
// setting has its value; and what a producer about to be created needs on top.
import type { ConfigIssue } from '../errors.js'
import { LIBRDKAFKA_VERSION } from './librdkafka.generated.js'
import { DISPLAY, PRODUCER_ROW } from './table.js'
import type { ResolvedConfig, ResolvedSetting } from './validate.js'

const IDEMP_MAX_INFLIGHT = 5
const INT32_MAX = 2_147_483_647

export function applyRules(
  settings: Record<string, ResolvedSetting>,
  /** A setting the user gave but that has no value (unparsable, or conflicting names). */
  broken: (target: string) => boolean,
  errors: ConfigIssue[],
  warnings: ConfigIssue[],
): void {
  const userSet = (t: string) => settings[t]?.source === 'user'
  /** A setting's effective value: set, defaulted, or librdkafka's default. */
  const eff = (t: string): unknown => (settings[t] !== undefined ? settings[t]!.value : PRODUCER_ROW.get(t)?.default)
  const name = (t: string) => settings[t]?.keys[0] ?? DISPLAY[t] ?? t
  const withOrigin = (t: string) => {
    const s = settings[t]
    const v = t === 'request.required.acks' && eff(t) === -1 ? 'all' : String(eff(t))
    return s?.source === 'default' ? `${name(t)}=${v} (ironkafka's default)` : `${name(t)}=${v}`
  }
  const err = (rule: string, key: string, keys: string[], message: string) => errors.push({ key, keys, message, rule })
  const imply = (t: string, value: unknown) => {
    settings[t] = { value, source: 'implied', keys: [] }
  }

  const transactional = typeof eff('transactional.id') === 'string' && eff('transactional.id') !== ''
  const idem = eff('enable.idempotence') === true
  const IDEM = 'enable.idempotence'

  if (transactional && !idem && userSet(IDEM)) {
    err('transactional.idempotence', name(IDEM), [name('transactional.id'), name(IDEM)],
      `${name('transactional.id')} needs idempotence, but ${name(IDEM)}=false; remove ${name(IDEM)}=false (or the ${name('transactional.id')})`)
  }

  if (idem && !broken('request.required.acks') && eff('request.required.acks') !== -1) {
    err('idempotence.acks', name('request.required.acks'), [name('request.required.acks'), IDEM],
      `${withOrigin(IDEM)} needs acks=all, but ${withOrigin('request.required.acks')}; set acks=all, or set ${IDEM}=false and accept possible duplicates and reordering`)
  }
  const inflight = 'max.in.flight.requests.per.connection'
  if (idem && userSet(inflight) && (eff(inflight) as number) > IDEMP_MAX_INFLIGHT) {
    err('idempotence.max-in-flight', name(inflight), [name(inflight), IDEM],
      `${withOrigin(IDEM)} keeps order with at most ${IDEMP_MAX_INFLIGHT} requests in flight, but ${withOrigin(inflight)}; set ${name(inflight)} to 1..${IDEMP_MAX_INFLIGHT}, or set ${IDEM}=false`)
  }
  const retries = 'message.send.max.retries'
  if (idem && userSet(retries) && (eff(retries) as number) < 1) {
    err('idempotence.retries', name(retries), [name(retries), IDEM],
      `${withOrigin(IDEM)} needs retries, but ${withOrigin(retries)}; remove ${name(retries)} (or set it >= 1; delivery.timeout.ms bounds the retrying), or set ${IDEM}=false`)
  }
  const bp = 'queue.buffering.backpressure.threshold'
  if (idem && userSet(bp) && (eff(bp) as number) > 1) {
    err('idempotence.backpressure', name(bp), [name(bp), IDEM], `${withOrigin(IDEM)} needs ${bp}=1, but ${withOrigin(bp)}; remove ${name(bp)}, or set ${IDEM}=false`)
  }
  if (idem && userSet('queuing.strategy') && eff('queuing.strategy') !== 'fifo') {
    err('idempotence.queuing', name('queuing.strategy'), [name('queuing.strategy'), IDEM],
      `${withOrigin(IDEM)} keeps produce order, which needs queuing.strategy=fifo, but ${withOrigin('queuing.strategy')}; remove ${name('queuing.strategy')}`)
  }
  const gapless = 'enable.gapless.guarantee'
  if (!idem && eff(gapless) === true) {
    err('gapless.idempotence', name(gapless), [name(gapless), IDEM], `${name(gapless)}=true needs idempotence, but ${withOrigin(IDEM)}; set ${IDEM}=true, or remove ${name(gapless)}`)
  }
  const bo = 'reconnect.backoff.ms'
  const boMax = 'reconnect.backoff.max.ms'
  if ((userSet(bo) || userSet(boMax)) && (eff(boMax) as number) < (eff(bo) as number)) {
    err('reconnect-backoff', name(boMax), [name(boMax), name(bo)], `${withOrigin(boMax)} is below ${withOrigin(bo)}; the maximum backoff must be >= the initial backoff`)
  }

  if (userSet('ssl.keystore.location') && !userSet('ssl.keystore.password')) {
    err('ssl.keystore-password', name('ssl.keystore.location'), [name('ssl.keystore.location'), 'ssl.keystore.password'],
      `${name('ssl.keystore.location')} is set without ssl.keystore.password; librdkafka needs the password to open the PKCS#12 keystore`)
  }

  // Timeouts. Java's rule: a record must be allowed to linger and then wait for one request,
  // so delivery.timeout.ms >= linger.ms + request.timeout.ms (0 = no timeout, librdkafka).
  const MT = 'message.timeout.ms'
  const TT = 'transaction.timeout.ms'
  const linger = eff('queue.buffering.max.ms') as number
  const request = eff('request.timeout.ms') as number
  const txTimeout = eff(TT) as number
  // librdkafka's own check (message.timeout.ms > linger.ms) only fires when linger.ms was set
  // under that name; rule ids say which of ours librdkafka would also catch.
  const lingerByName = settings['queue.buffering.max.ms']?.keys.includes('linger.ms') === true
  const timeoutKeys = [name(MT), name('queue.buffering.max.ms'), name('request.timeout.ms')]
  if (userSet(MT)) {
    const mt = eff(MT) as number
    if (mt !== 0 && mt < linger + request) {
      err(mt <= linger && lingerByName ? 'delivery-timeout.linger' : 'delivery-timeout', name(MT), timeoutKeys,
        `${name(MT)}=${mt} is less than ${name('queue.buffering.max.ms')} + ${name('request.timeout.ms')} (${linger} + ${request} = ${linger + request}): a record could expire before its first request is answered; raise ${name(MT)} to at least ${linger + request}, or lower the other two`)
    }
    if (transactional && idem && mt > txTimeout) {
      err('transactional.message-timeout', name(MT), [name(MT), name(TT)], `${name(MT)}=${mt} exceeds ${name(TT)}=${txTimeout}: a transaction would time out while its records still wait; lower ${name(MT)} or raise ${name(TT)}`)
    }
  } else if (!broken(MT)) {
    // librdkafka uses transaction.timeout.ms as the message timeout of a transactional producer.
    const base = transactional && idem ? txTimeout : (eff(MT) as number)
    if (base < linger + request) {
      if (transactional && idem) {
        err(txTimeout <= linger && lingerByName ? 'delivery-timeout.linger' : 'delivery-timeout', name(TT), [name(TT), name('queue.buffering.max.ms'), name('request.timeout.ms')],
          `${name(TT)}=${txTimeout} (the message timeout of a transactional producer) is less than ${name('queue.buffering.max.ms')} + ${name('request.timeout.ms')} (${linger + request}); raise ${name(TT)} or lower the other two`)
      } else {
        imply(MT, linger + request)
        warnings.push({ key: name(MT), keys: timeoutKeys,
          message: `${name(MT)} raised to ${linger + request} (= ${name('queue.buffering.max.ms')} + ${name('request.timeout.ms')}) so a record can wait for at least one request; set ${name(MT)} to choose another value` })
      }
    } else if (transactional && idem) {
      imply(MT, txTimeout)
    }
  }
  if (transactional && userSet('socket.timeout.ms') && txTimeout + 100 > INT32_MAX) {
    // librdkafka adds the 100 in a 32-bit int, so above this its check always fails.
    err('transactional.socket-timeout', name(TT), [name('socket.timeout.ms'), name(TT)],
      `${withOrigin(TT)} with ${name('socket.timeout.ms')} set is refused by librdkafka (its check of ${name(TT)} + 100 overflows above ${INT32_MAX - 100}); lower ${name(TT)}`)
  } else if (transactional && userSet('socket.timeout.ms') && (eff('socket.timeout.ms') as number) > txTimeout + 100) {
    err('transactional.socket-timeout', name('socket.timeout.ms'), [name('socket.timeout.ms'), name(TT)],
      `${withOrigin('socket.timeout.ms')} exceeds ${name(TT)} + 100 (${txTimeout + 100}): a request could outlive its transaction; lower ${name('socket.timeout.ms')}`)
  }

  // What librdkafka adjusts by itself for idempotence, shown so nobody has to guess.
  if (idem && settings[inflight] === undefined && !broken(inflight)) imply(inflight, IDEMP_MAX_INFLIGHT)

  // Warnings: legal, but a trade-off the user should have chosen knowingly.
  const acks = eff('request.required.acks')
  if (!idem && acks === 0) {
    warnings.push({ key: name('request.required.acks'), keys: [name('request.required.acks')],
      message: `acks=0: the broker never answers, so a send cannot learn whether its record arrived and offsets are unknown (-1); records are lost silently when a broker fails. Use acks=all for data you cannot lose` })
  } else if (!idem && acks === 1) {
    warnings.push({ key: name('request.required.acks'), keys: [name('request.required.acks')],
      message: `acks=1: a record the leader acknowledged is lost if the leader fails before a follower copies it. Use acks=all for data you cannot lose` })
  }
  if (!idem && (eff(retries) as number) > 0 && (eff(inflight) as number) > 1) {
    warnings.push({ key: name(inflight), keys: [name(retries), name(inflight), IDEM],
      message: `without idempotence, retries (${name(retries)}=${String(eff(retries))}) with ${name(inflight)}=${String(eff(inflight))} can reorder records (a failed batch is retried behind later ones) and duplicate them (a retry of a batch whose ack was lost). Keep ${IDEM}=true, or set ${name(inflight)}=1` })
  }
  if (userSet(IDEM) && !idem) {
    warnings.push({ key: name(IDEM), keys: [name(IDEM)],
      message: `${name(IDEM)}=false: a retried request whose acknowledgement was lost writes its records twice, and the broker cannot detect gaps. Leave idempotence on unless the broker cannot support it` })
  }
  for (const [t, s] of Object.entries(settings)) {
    if (s.source !== 'user') continue
    for (const key of s.keys) {
      const p = PRODUCER_ROW.get(key)
      if (p?.deprecated) warnings.push({ key, keys: [key], message: `${key} is deprecated in librdkafka ${LIBRDKAFKA_VERSION}${t !== key ? ` (use ${DISPLAY[t] ?? t})` : ''}` })
    }
  }

  const CREDENTIALS = 'saslCredentialsProvider'
  if (settings[CREDENTIALS] !== undefined) {
    const mech = String(eff('sasl.mechanisms') ?? '').toUpperCase()
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mech)) {
      err('sasl.credentials-provider-mechanism', CREDENTIALS, [CREDENTIALS, name('sasl.mechanisms')],
        `${CREDENTIALS} supplies PLAIN and SCRAM credentials, but ${name('sasl.mechanisms')}=${eff('sasl.mechanisms')}; set sasl.mechanism to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`)
    }
  }

  // A JS token provider replaces librdkafka's own token sources; it only means OAUTHBEARER.
  const PROVIDER = 'oauthBearerProvider'
  if (settings[PROVIDER] !== undefined) {
    const mech = String(eff('sasl.mechanisms') ?? '').toUpperCase()
    if (mech !== 'OAUTHBEARER') {
      err('oauthbearer.provider-mechanism', PROVIDER, [PROVIDER, name('sasl.mechanisms')],
        `${PROVIDER} supplies OAUTHBEARER tokens, but ${name('sasl.mechanisms')}=${eff('sasl.mechanisms')}; set sasl.mechanism=OAUTHBEARER (and security.protocol=sasl_ssl or sasl_plaintext)`)
    }
    if (eff('enable.sasl.oauthbearer.unsecure.jwt') === true) {
      err('oauthbearer.provider-unsecure', PROVIDER, [PROVIDER, name('enable.sasl.oauthbearer.unsecure.jwt')],
        `${PROVIDER} and ${name('enable.sasl.oauthbearer.unsecure.jwt')}=true are two token sources; remove one`)
    }
  }
}


/**
 * What a producer about to be created needs beyond the config's own rules: brokers to talk
 * to, room for records, and no feature this version lacks. new Producer() and
 * `ironkafka check-config` both apply it, so they agree on every config.
 */
export function producerIssues(resolved: ResolvedConfig, found: readonly ConfigIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = []
  const reported = new Set(found.map((e) => e.key))
  const servers = resolved.librdkafka['metadata.broker.list']
  if ((typeof servers !== 'string' || servers.trim() === '') && !reported.has('bootstrap.servers')) {
    out.push({ key: 'bootstrap.servers', rule: 'required', message: 'bootstrap.servers is required: a comma-separated list of host:port (is an environment variable unset?)' })
  }
  const kbytes = Number(resolved.librdkafka['queue.buffering.max.kbytes'] ?? MIN_BUFFER_KBYTES)
  if (kbytes < MIN_BUFFER_KBYTES) {
    const key = resolved.settings['queue.buffering.max.kbytes']?.keys[0] ?? 'buffer.memory'
    out.push({ key, rule: 'minimum', message: `${key} must be at least ${MIN_BUFFER_KBYTES * 1024} bytes (${MIN_BUFFER_KBYTES} KiB): each buffered record also takes about 512 bytes` })
  }
  if (resolved.librdkafka['transactional.id'] !== undefined) {
    out.push({ key: 'transactional.id', rule: 'not-available', message: 'transactions are not available in this version of ironkafka; remove transactional.id' })
  }
  return out
}

/** The smallest buffer.memory a producer takes (KiB): room for a useful number of records. */
const MIN_BUFFER_KBYTES = 16
