// Secured listeners of a real Apache Kafka broker: TLS (server authentication, mTLS with PEM
// files, PEM strings, PKCS#12 and an encrypted key), SASL PLAIN and SCRAM-SHA-256/512 over
// SASL_SSL and SASL_PLAINTEXT, and OAUTHBEARER with librdkafka's unsecured tokens. kcat reads
// what was sent back over the broker's PLAINTEXT listener. Refusals (a wrong password, an
// untrusted CA, a certificate for another host, an expired certificate) must fail connect()
// and the sends fast with the typed cause, and say why on stderr when nothing listens.
// Certificates are made for this run (test/helpers/certs.mjs).
import test, { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Producer, KafkaError } from 'ironkafka'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { readConfigFile } from '../../dist/cli/config-file.js'
import { makeCertificates } from '../helpers/certs.mjs'
import { startIdentityProvider } from '../helpers/identity.mjs'
import { readTopic } from '../helpers/kcat.mjs'

const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const secret = (name) => `${name}-pw-${Math.random().toString(36).slice(2, 10)}`
const users = { alice: secret('alice'), carol: secret('carol') }
const oidcClient = { id: 'ingest-service', secret: secret('oidc') }
let kafka
let certs
let idp

before(async () => {
  certs = makeCertificates()
  idp = await startIdentityProvider({ clients: { [oidcClient.id]: oidcClient.secret } })
  kafka = await KafkaCluster.start({
    nodes: 1,
    security: {
      keystore: certs.server, truststore: certs.ca, keystores: { WRONGHOST: certs.wrongHost, EXPIRED: certs.expired }, users, oauthbearer: true, reauthMs: 3_000,
      oidc: { jwksUrl: idp.jwksUrl, audience: idp.audience },
    },
  })
})
after(async () => {
  await kafka?.stop()
  await idp?.close()
})

/** Sends `n` records with `config`, checks with kcat that each is in the log where its metadata says. */
async function deliversAll(topic, config, n = 30) {
  await kafka.createTopic(topic, { partitions: 2, replicationFactor: 1 })
  // librdkafka's configuration dump and its security and broker debug lines go through the
  // redaction too: none may show a secret.
  const lines = []
  const keep = (l) => lines.push(l)
  const producer = new Producer({ ...config, debug: 'conf,security,broker', logger: { debug: keep, info: keep, warn: keep, error: keep } })
  const errors = []
  producer.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
  try {
    await producer.connect(20_000)
    const mds = await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic, key: `k${i % 5}`, value: `${topic}-${i}` })))
    const log = await readTopic(kafka.bootstrapServers, topic)
    const at = new Map(log.map((m) => [`${m.partition}:${m.offset}`, m.payload]))
    mds.forEach((md, i) => assert.equal(at.get(`${md.partition}:${md.offset}`), `${topic}-${i}`))
    assert.equal(log.length, n)
    assert.deepEqual(errors, [])
  } finally {
    await producer.close({ timeoutMs: 5_000 })
  }
  assert.ok(lines.some((l) => /librdkafka CONF/.test(l)), 'no configuration dump was logged')
  assertNoSecret(lines.join('\n'))
}

const tls = () => ({ 'ssl.ca.location': certs.ca })
const mechanisms = [
  ['ssl-server-auth', () => ({ 'bootstrap.servers': kafka.listenerServers('SSL'), 'security.protocol': 'ssl', ...tls() })],
  // The certificate check stays OpenSSL's and librdkafka's: switched off, an untrusted broker is accepted.
  ['ssl-verification-off', () => ({ 'bootstrap.servers': kafka.listenerServers('SSL'), 'security.protocol': 'ssl', 'ssl.ca.location': certs.otherCa, 'enable.ssl.certificate.verification': false })],
  ['mtls-pem-files', () => ({ 'bootstrap.servers': kafka.listenerServers('MTLS'), 'security.protocol': 'ssl', ...tls(), 'ssl.certificate.location': certs.client.cert, 'ssl.key.location': certs.client.key })],
  ['mtls-pem-strings', () => ({
    'bootstrap.servers': kafka.listenerServers('MTLS'), 'security.protocol': 'ssl', 'ssl.ca.pem': readFileSync(certs.ca, 'utf8'),
    'ssl.certificate.pem': readFileSync(certs.client.cert, 'utf8'), 'ssl.key.pem': readFileSync(certs.client.key, 'utf8'),
  })],
  ['mtls-pkcs12', () => ({ 'bootstrap.servers': kafka.listenerServers('MTLS'), 'security.protocol': 'ssl', ...tls(), 'ssl.keystore.location': certs.client.p12, 'ssl.keystore.password': certs.client.p12Password })],
  ['mtls-encrypted-key', () => ({
    'bootstrap.servers': kafka.listenerServers('MTLS'), 'security.protocol': 'ssl', ...tls(),
    'ssl.certificate.location': certs.client.cert, 'ssl.key.location': certs.client.encryptedKey, 'ssl.key.password': certs.client.keyPassword,
  })],
  ...['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => [
    [`sasl-ssl-${m.toLowerCase()}`, () => ({ 'bootstrap.servers': kafka.listenerServers('SASL_SSL'), 'security.protocol': 'sasl_ssl', ...tls(), 'sasl.mechanism': m, 'sasl.username': 'alice', 'sasl.password': users.alice })],
    [`sasl-plaintext-${m.toLowerCase()}`, () => ({ 'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': m, 'sasl.username': 'alice', 'sasl.password': users.alice })],
  ]),
  ['oauthbearer-unsecured', () => ({
    'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER',
    'enable.sasl.oauthbearer.unsecure.jwt': true, 'sasl.oauthbearer.config': 'principal=alice',
  })],
]
for (const [name, config] of mechanisms) {
  test(`${name}: the producer connects and delivers; kcat reads every record back`, { timeout: 120_000 }, () => deliversAll(`sec-${name}`, config()))
}

test('a Java .properties file (SASL_SSL, SCRAM-SHA-256, ScramLoginModule, PEM trust store) delivers unchanged', { timeout: 120_000 }, async () => {
  const file = path.join(certs.dir, 'client.properties')
  writeFileSync(file, [
    `bootstrap.servers=${kafka.listenerServers('SASL_SSL')}`,
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-256',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${users.alice}";`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${certs.ca}`,
    'acks=all',
    '',
  ].join('\n'))
  const loaded = readConfigFile(file, {})
  assert.deepEqual(loaded.errors, [])
  await deliversAll('sec-java-properties', loaded.config)
})

/**
 * Runs a producer in a child process with no 'error' listener and no logger (so stderr is
 * the only place a refusal can show), at librdkafka's and ironkafka's default timeouts.
 * It reports on stdout: when connect() and a send made before it failed, and how.
 */
function refusedInChild(config, { sends = 3 } = {}) {
  const script = `
    const { Producer } = require(${JSON.stringify(path.resolve('dist/index.js'))})
    const t0 = Date.now()
    const out = (o) => process.stdout.write(JSON.stringify({ ...o, ms: Date.now() - t0 }) + '\\n')
    const p = new Producer(JSON.parse(process.argv[1]))
    const describe = (e) => ({ name: e.name, code: e.code, message: e.message, persisted: e.persisted, retriable: e.retriable, cause: e.cause && { code: e.cause.code, message: e.cause.message } })
    const sends = Array.from({ length: ${sends} }, (_, i) => p.send({ topic: 'sec-refused', value: 'v' + i }).then(() => out({ what: 'delivered' }), (e) => out({ what: 'send', error: describe(e) })))
    p.connect(20000).then(() => out({ what: 'connected' }), (e) => out({ what: 'connect', error: describe(e) }))
    Promise.all(sends).then(() => p.close({ timeoutMs: 2000 })).then(() => out({ what: 'closed' }))
  `
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const stderrAt = []
    const t0 = Date.now()
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => {
      stderr += d
      stderrAt.push(Date.now() - t0)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
      resolve({ code, signal, lines, stdout, stderr, firstStderrMs: stderrAt[0] })
    })
  })
}

function assertNoSecret(text) {
  for (const pw of [...Object.values(users), certs.client.p12Password, certs.client.keyPassword, 'wrong-' + users.alice, oidcClient.secret]) {
    assert.ok(!text.includes(pw), `a secret appears in the output:\n${text}`)
  }
}

/**
 * The promise for a refusal, as refusedInChild saw it: connect() rejected within 5 s and each
 * send within 30 s, all with `code` (and messages matching `why`), and no secret anywhere.
 * Returns all the child printed.
 */
function assertRefusedFast(r, code, why = /./) {
  const all = `${r.stdout}\n${r.stderr}`
  const connect = r.lines.find((l) => l.what === 'connect')
  assert.equal(connect?.error.code, code, all)
  assert.match(connect.error.message, why, all)
  assert.ok(connect.ms < 5_000, all)
  const sends = r.lines.filter((l) => l.what === 'send')
  assert.equal(sends.length, 3, all)
  for (const s of sends) {
    assert.equal(s.error.code, code, all)
    assert.match(s.error.message, why, all)
    assert.ok(s.ms < 30_000, all)
  }
  assertNoSecret(all)
  return all
}

test('a wrong SCRAM password: connect() rejects within 5 s, sends within 30 s with the authentication cause, stderr says why within 5 s, no secret anywhere', { timeout: 120_000 }, async () => {
  const r = await refusedInChild({
    'bootstrap.servers': kafka.listenerServers('SASL_SSL'), 'security.protocol': 'sasl_ssl', 'ssl.ca.location': certs.ca,
    'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'alice', 'sasl.password': 'wrong-' + users.alice,
  })
  const all = `${r.stdout}\n${r.stderr}`
  assert.equal(r.code, 0, all)
  const connect = r.lines.find((l) => l.what === 'connect')
  assert.ok(connect, all)
  assert.equal(connect.error.code, '_AUTHENTICATION', all)
  assert.match(connect.error.message, /authentication/i)
  assert.ok(connect.ms < 5_000, all)
  const sends = r.lines.filter((l) => l.what === 'send')
  assert.equal(sends.length, 3, all)
  for (const s of sends) {
    assert.equal(s.error.code, '_AUTHENTICATION', all)
    assert.equal(s.error.persisted, 'not-persisted', all)
    assert.equal(s.error.cause?.code, '_AUTHENTICATION', all)
    assert.match(s.error.message, /invalid credentials|Authentication failed/i, all)
    assert.ok(s.ms < 30_000, all)
  }
  assert.ok(r.firstStderrMs !== undefined && r.firstStderrMs < 5_000, all)
  assert.match(r.stderr, /_AUTHENTICATION/)
  assert.ok(r.lines.some((l) => l.what === 'closed'), all)
  assertNoSecret(all)
})

for (const [name, config, code] of [
  ['PLAIN over SASL_PLAINTEXT, a wrong password', () => ({ 'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 'wrong-' + users.alice }), '_AUTHENTICATION'],
  ['SCRAM-SHA-512 over SASL_SSL, an unknown user', () => ({ 'bootstrap.servers': kafka.listenerServers('SASL_SSL'), 'security.protocol': 'sasl_ssl', 'ssl.ca.location': certs.ca, 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'mallory', 'sasl.password': 'wrong-' + users.alice }), '_AUTHENTICATION'],
  ['mTLS without a client certificate', () => ({ 'bootstrap.servers': kafka.listenerServers('MTLS'), 'security.protocol': 'ssl', 'ssl.ca.location': certs.ca }), '_SSL'],
]) {
  test(`${name}: connect() rejects within 5 s and the sends fail within 30 s with ${code}, no secret in any output`, { timeout: 120_000 }, async () => {
    const r = await refusedInChild(config())
    const all = assertRefusedFast(r, code)
    for (const s of r.lines.filter((l) => l.what === 'send')) assert.equal(s.error.persisted, 'not-persisted', all)
    assert.ok(r.firstStderrMs !== undefined && r.firstStderrMs < 5_000, all)
  })
}

for (const [name, listener, ca, why] of [
  ['an unknown CA', 'SSL', () => certs.otherCa, /certificate verify failed|unable to get local issuer certificate|self.signed/i],
  ['a certificate for another host name', 'WRONGHOST', () => certs.ca, /hostname mismatch|certificate verify failed/i],
  ['an expired certificate', 'EXPIRED', () => certs.ca, /certificate has expired/i],
]) {
  test(`TLS with ${name}: connect() and the sends fail fast with _SSL saying why`, { timeout: 120_000 }, async () => {
    const r = await refusedInChild({ 'bootstrap.servers': kafka.listenerServers(listener), 'security.protocol': 'ssl', 'ssl.ca.location': ca() })
    assertRefusedFast(r, '_SSL', why)
    assert.match(r.stderr, why)
  })
}

test('refused, then the password is set on the broker to the one the client has: the producer reconnects by itself and new sends deliver', { timeout: 180_000 }, async () => {
  await kafka.createTopic('sec-rotated', { partitions: 1, replicationFactor: 1 })
  const next = secret('carol-next')
  const producer = new Producer({
    'bootstrap.servers': kafka.listenerServers('SASL_SSL'), 'security.protocol': 'sasl_ssl', 'ssl.ca.location': certs.ca,
    'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'carol', 'sasl.password': next, logger: quiet,
  })
  const errors = []
  producer.on('error', (e) => errors.push(e))
  try {
    const first = await producer.send({ topic: 'sec-rotated', value: 'refused' }).then(() => undefined, (e) => e)
    assert.ok(first instanceof KafkaError, String(first))
    assert.equal(first.code, '_AUTHENTICATION')
    assert.equal(first.persisted, 'not-persisted')
    await kafka.setScramPassword('carol', next)
    // Until librdkafka's next attempt (its backoff is at most reconnect.backoff.max.ms) a send
    // may still be refused; each refused one says so, and one sent after that delivers.
    const end = Date.now() + 60_000
    let delivered
    while (delivered === undefined && Date.now() < end) {
      delivered = await producer.send({ topic: 'sec-rotated', value: 'after-rotation' }).then((md) => md, (e) => {
        assert.equal(e.code, '_AUTHENTICATION', `${e.code}: ${e.message}`)
        return undefined
      })
      if (delivered === undefined) await new Promise((r) => setTimeout(r, 500))
    }
    assert.ok(delivered, 'no send delivered within 60 s of the rotation')
    const log = await readTopic(kafka.bootstrapServers, 'sec-rotated')
    assert.deepEqual(log.map((m) => m.payload), log.map(() => 'after-rotation'))
    assert.ok(log.some((m) => m.offset === delivered.offset))
  } finally {
    await producer.close({ timeoutMs: 5_000 })
  }
  assert.ok(errors.some((e) => e.code === '_AUTHENTICATION'))
})

/**
 * Sends a record every 100 ms for `ms` (after `start`, e.g. connect()), closes the producer,
 * and checks that no send failed and that kcat finds every record. Returns the client errors.
 */
async function streamsWithoutFailure(producer, topic, ms, start = async () => {}) {
  const errors = []
  producer.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
  const failed = []
  let sent = 0
  try {
    await start()
    const end = Date.now() + ms
    const inFlight = []
    while (Date.now() < end) {
      const i = sent++
      inFlight.push(producer.send({ topic, value: `${topic}-${i}` }).catch((e) => failed.push(`${i} ${e.code}: ${e.message}`)))
      await new Promise((r) => setTimeout(r, 100))
    }
    await Promise.all(inFlight)
  } finally {
    await producer.close({ timeoutMs: 10_000 })
  }
  assert.deepEqual(failed.slice(0, 5), [], `${failed.length} failed; client errors: ${errors.slice(0, 5).join('; ')}`)
  const log = await readTopic(kafka.bootstrapServers, topic)
  assert.equal(log.length, sent)
  return errors
}

test("OAUTHBEARER with librdkafka's own 10 s tokens streams for 60 s without a failed send: the token is refreshed before it expires", { timeout: 180_000 }, async () => {
  await kafka.createTopic('sec-oauth-refresh', { partitions: 1, replicationFactor: 1 })
  const created = []
  const producer = new Producer({
    'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER',
    'enable.sasl.oauthbearer.unsecure.jwt': true, 'sasl.oauthbearer.config': 'principal=alice lifeSeconds=10',
    debug: 'security',
    logger: { debug: (l) => /Creating unsecured token/.test(l) && created.push(Date.now()), info() {}, warn() {}, error() {} },
  })
  await streamsWithoutFailure(producer, 'sec-oauth-refresh', 60_000)
  assert.ok(created.length >= 5, `tokens created: ${created.length} (the first and at least 4 refreshes)`)
})

/** An unsecured JWS (alg none) as Kafka's unsecured validator accepts it; expires in `lifeMs`. */
function unsecuredToken(principal, lifeMs) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Date.now()
  const lifetime = now + lifeMs
  return { value: `${b64({ alg: 'none' })}.${b64({ sub: principal, iat: now / 1000, exp: lifetime / 1000 })}.`, principal, lifetime }
}

test('oauthBearerProvider: the JS provider is asked before the first connection and before each 10 s token expires; 60 s stream without a failed send', { timeout: 180_000 }, async () => {
  await kafka.createTopic('sec-oauth-provider', { partitions: 1, replicationFactor: 1 })
  const calls = []
  const producer = new Producer({
    'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER',
    'sasl.oauthbearer.config': 'scope=test',
    oauthBearerProvider: async (config) => {
      calls.push({ at: Date.now(), config })
      await new Promise((r) => setTimeout(r, 50)) // an identity service takes a while
      return unsecuredToken('alice', 10_000)
    },
    logger: quiet,
  })
  await streamsWithoutFailure(producer, 'sec-oauth-provider', 60_000, async () => {
    await producer.connect(10_000)
    assert.equal(calls.length, 1)
    assert.equal(calls[0].config, 'scope=test')
  })
  assert.ok(calls.length >= 5, `provider calls: ${calls.length} (the first and at least 4 refreshes)`)
})

test('oauthBearerProvider that throws, then returns a bad token, then a good one: each failure is an _AUTHENTICATION error naming the reason, the send waiting meanwhile fails fast with it, and librdkafka asks again until a send delivers', { timeout: 120_000 }, async () => {
  await kafka.createTopic('sec-oauth-flaky', { partitions: 1, replicationFactor: 1 })
  let calls = 0
  const producer = new Producer({
    'bootstrap.servers': kafka.listenerServers('SASL_PLAINTEXT'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER',
    oauthBearerProvider: () => {
      calls++
      if (calls === 1) throw new Error('identity service unavailable')
      if (calls === 2) return { value: 'x', principal: 'alice', lifetime: 1_000 } // a duration, not an expiry time
      return unsecuredToken('alice', 60_000)
    },
    logger: quiet,
  })
  const errors = []
  producer.on('error', (e) => errors.push(e))
  try {
    const t0 = Date.now()
    const first = await producer.send({ topic: 'sec-oauth-flaky', value: 'no-token-yet' }).then(() => undefined, (e) => e)
    assert.ok(first instanceof KafkaError, String(first))
    assert.equal(first.code, '_AUTHENTICATION')
    assert.equal(first.persisted, 'not-persisted')
    assert.match(first.message, /identity service unavailable/)
    assert.ok(Date.now() - t0 < 5_000, `failed after ${Date.now() - t0} ms`)
    let md
    const end = Date.now() + 60_000
    while (md === undefined && Date.now() < end) {
      md = await producer.send({ topic: 'sec-oauth-flaky', value: 'after-retries' }).catch((e) => {
        assert.equal(e.code, '_AUTHENTICATION', e.message)
        return new Promise((r) => setTimeout(r, 500))
      })
    }
    assert.ok(md, 'no send delivered within 60 s')
    assert.equal(calls, 3)
    const provider = errors.filter((e) => /Failed to acquire SASL OAUTHBEARER token: oauthBearerProvider failed/.test(e.message))
    assert.equal(provider.length, 2, errors.map((e) => e.message).join('\n'))
    assert.ok(provider.every((e) => e instanceof KafkaError && e.code === '_AUTHENTICATION'))
    assert.match(provider[0].message, /identity service unavailable/)
    assert.match(provider[1].message, /lifetime .* is in the past/)
    const log = await readTopic(kafka.bootstrapServers, 'sec-oauth-flaky')
    assert.deepEqual(log.map((m) => [m.offset, m.payload]), [[md.offset, 'after-retries']])
  } finally {
    await producer.close({ timeoutMs: 5_000 })
  }
})

test('a SCRAM password rotated mid-stream (broker re-authenticating every 3 s) is survived once saslCredentialsProvider returns the new one: no failed send, every record in the log', { timeout: 180_000 }, async () => {
  await kafka.createTopic('sec-rotation', { partitions: 2, replicationFactor: 1 })
  const first = secret('dave')
  const second = secret('dave-next')
  await kafka.setScramPassword('dave', first)
  let vault = first // what a secrets manager would hand out
  let asked = 0
  const producer = new Producer({
    'bootstrap.servers': kafka.listenerServers('SASL_SSL'), 'security.protocol': 'sasl_ssl', 'ssl.ca.location': certs.ca,
    'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'dave', 'sasl.password': first,
    saslCredentialsProvider: async () => {
      asked++
      return { username: 'dave', password: vault }
    },
    logger: quiet,
  })
  const errors = []
  producer.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
  const failed = []
  let sent = 0
  try {
    await producer.connect(10_000)
    const inFlight = []
    for (let tick = 0; tick < 300; tick++) {
      if (tick === 100) {
        vault = second
        await kafka.setScramPassword('dave', second)
      }
      const i = sent++
      inFlight.push(producer.send({ topic: 'sec-rotation', key: `k${i % 3}`, value: `rot-${i}` }).catch((e) => failed.push(`${i} ${e.code}: ${e.message}`)))
      await new Promise((r) => setTimeout(r, 50))
    }
    await Promise.all(inFlight)
  } finally {
    await producer.close({ timeoutMs: 10_000 })
  }
  assert.deepEqual(failed.slice(0, 5), [], `${failed.length} failed; errors: ${errors.slice(0, 5).join('; ')}`)
  assert.ok(asked >= 1, 'the provider was never asked')
  assert.ok(errors.some((e) => /_AUTHENTICATION/.test(e)), `the old password was never refused: ${errors.join('; ')}`)
  const log = await readTopic(kafka.bootstrapServers, 'sec-rotation')
  assert.deepEqual(new Set(log.map((m) => m.payload)), new Set(Array.from({ length: sent }, (_, i) => `rot-${i}`)))
  assert.equal(log.length, sent)
  assertNoSecret(errors.join('\n'))
  assert.ok(!errors.join('\n').includes(second) && !errors.join('\n').includes(first))
})

const oidc = (extra = {}) => ({
  'bootstrap.servers': kafka.listenerServers('SASL_OIDC'), 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER',
  'sasl.oauthbearer.method': 'oidc', 'sasl.oauthbearer.token.endpoint.url': idp.tokenUrl,
  'sasl.oauthbearer.client.id': oidcClient.id, 'sasl.oauthbearer.client.secret': oidcClient.secret, 'sasl.oauthbearer.scope': 'produce',
  ...extra,
})

test("OIDC client credentials with librdkafka's own client (libcurl): the broker checks each token's signature against the JWKS; 10 s tokens for 40 s without a failed send", { timeout: 180_000 }, async () => {
  await kafka.createTopic('sec-oidc', { partitions: 1, replicationFactor: 1 })
  idp.lifetimeMs = 10_000
  const before = idp.tokens.length
  const producer = new Producer({ ...oidc(), logger: quiet })
  const errors = await streamsWithoutFailure(producer, 'sec-oidc', 40_000, () => producer.connect(10_000))
  const issued = idp.tokens.length - before
  assert.ok(issued >= 4, `tokens issued: ${issued} (the first and at least 3 refreshes)`)
  assertNoSecret(errors.join('\n'))
})

test('OIDC tokens signed with a key the JWKS does not hold are refused by the broker: connect() and the sends fail fast with _AUTHENTICATION', { timeout: 120_000 }, async () => {
  idp.signWithUnknownKey = true
  try {
    assertRefusedFast(await refusedInChild(oidc()), '_AUTHENTICATION', /SASL authentication error/)
  } finally {
    idp.signWithUnknownKey = false
  }
})

test('OIDC with a wrong client secret: the token endpoint refuses, and connect() and the sends fail fast saying so', { timeout: 120_000 }, async () => {
  const refusedBefore = idp.refused
  const r = await refusedInChild(oidc({ 'sasl.oauthbearer.client.secret': 'wrong-' + oidcClient.secret }))
  const all = assertRefusedFast(r, '_AUTHENTICATION', /Failed to acquire SASL OAUTHBEARER token: .*invalid_client/)
  assert.ok(idp.refused > refusedBefore, all)
})
