// Producer config validation: both vocabularies (the Java client's names the Kafka docs use,
// and every librdkafka property), coerced, range-checked and cross-checked before anything
// native exists. Pure: no addon, no I/O. The Producer calls validateConfig() first, so a bad
// config never reaches librdkafka, and every problem is reported at once.
//
// How a config is read:
//   1. Each key is looked up: librdkafka property (aliases followed to the canonical name),
//      Java name (mapped, with unit conversion), ironkafka's own, or an error (unknown →
//      "did you mean", consumer-only, Java-only, C-API-only, managed by ironkafka).
//   2. Each value is parsed by a zod schema built from librdkafka's generated property table
//      (type, range, allowed values) and converted to the canonical setting's units.
//   3. Keys naming the same setting must agree (linger.ms vs queue.buffering.max.ms).
//   4. Defaults (ours: idempotence, acks=all, murmur2_random, max.block.ms) and implied values
//      are filled in, then the cross-setting rules run (idempotence, gapless, transactions,
//      timeouts) — the ones librdkafka enforces at rd_kafka_new, plus Java's
//      delivery.timeout.ms rule.
import { z } from 'zod'
import { ConfigError, type ConfigIssue } from '../errors.js'
import { LIBRDKAFKA_VERSION, PROPERTIES, type LibrdkafkaProperty } from './librdkafka.generated.js'
import { applyRules, producerIssues } from './rules.js'
import { SECRET_SETTINGS, translateJavaSecurity } from './java-security.js'
import { BY_NAME, DISPLAY, PRODUCER_ROW } from './table.js'
import { INT32_MAX, canonical, row, show, fail, numberSchema, booleanSchema, schemaFor } from './schemas.js'

export { producerIssues } from './rules.js'

export type ConfigSource = 'user' | 'default' | 'implied'

export interface ResolvedSetting {
  value: unknown
  source: ConfigSource
  /** The keys the user wrote for this setting (empty for defaults and implied values). */
  keys: string[]
}

export interface ResolvedConfig {
  /** What goes to rd_kafka_conf_set: canonical librdkafka names, string values. */
  librdkafka: Record<string, string>
  /** Every setting with a value, by canonical name (librdkafka's, or ironkafka's own). */
  settings: Record<string, ResolvedSetting>
  /** max.block.ms: how long a send waits for queue space before failing. */
  maxBlockMs: number
  keySerializer: unknown
  valueSerializer: unknown
  logger: unknown
  oauthBearerProvider: unknown
  saslCredentialsProvider: unknown
  warnings: ConfigIssue[]
}

export interface ConfigReport {
  ok: boolean
  errors: ConfigIssue[]
  warnings: ConfigIssue[]
  /** Best effort when there are errors (valid keys only); complete when ok. */
  resolved: ResolvedConfig
}

// ---------------------------------------------------------------------------------------
// The property table

// ---------------------------------------------------------------------------------------
// Names that are not librdkafka properties

type Serializer = 'buffer' | 'string' | 'json'

/** The Java client's serializers that have a byte-for-byte equivalent here. */
const JAVA_SERIALIZERS: Record<string, Serializer> = {
  'org.apache.kafka.common.serialization.StringSerializer': 'string',
  'org.apache.kafka.common.serialization.ByteArraySerializer': 'buffer',
  'org.apache.kafka.common.serialization.ByteBufferSerializer': 'buffer',
  'org.apache.kafka.common.serialization.BytesSerializer': 'buffer',
}

const serializerSchema = (key: string) =>
  z.unknown().transform((v, ctx): unknown => {
    if (typeof v === 'function') return v
    if (v === 'buffer' || v === 'string' || v === 'json') return v
    if (typeof v === 'string' && JAVA_SERIALIZERS[v.trim()] !== undefined) return JAVA_SERIALIZERS[v.trim()]
    if (typeof v === 'string' && /^[a-z][\w$]*(\.[\w$]+)+$/i.test(v.trim())) {
      return fail(ctx, `${key}: the Java class ${v.trim()} cannot run here; pass a function (value, topic) => Buffer | string | null, or 'buffer', 'string' or 'json'`)
    }
    return fail(ctx, `${key} must be 'buffer', 'string', 'json', a Java String/ByteArray serializer class name, or a function; got ${show(v)}`)
  })

const functionSchema = (key: string, what: string) =>
  z.unknown().transform((v, ctx): unknown => (typeof v === 'function' ? v : fail(ctx, `${key} must be ${what}; got ${show(v)}`)))

const loggerSchema = z.unknown().transform((v, ctx): unknown => {
  if (typeof v === 'object' && v !== null) {
    const bad = ['error', 'warn', 'info', 'debug'].find((m) => {
      const f = (v as Record<string, unknown>)[m]
      return f !== undefined && typeof f !== 'function'
    })
    if (bad === undefined) return v
    return fail(ctx, `logger.${bad} must be a function`)
  }
  return fail(ctx, `logger must be an object with error/warn/info/debug methods (console, pino, ...); got ${show(v)}`)
})

const PARTITIONER_CLASSES: Record<string, string | null> = {
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner': 'murmur2_random',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner': 'random',
  'org.apache.kafka.clients.producer.RoundRobinPartitioner': null,
}

const partitionerClassSchema = (key: string) =>
  z.unknown().transform((v, ctx): string => {
    const name = typeof v === 'string' ? v.trim() : ''
    const mapped = PARTITIONER_CLASSES[name]
    if (mapped) return mapped
    if (mapped === null) {
      return fail(ctx, `${key}: RoundRobinPartitioner has no librdkafka equivalent; use partitioner=random (sticky, key ignored) or leave it unset for murmur2_random`)
    }
    return fail(ctx, `${key}: ${show(v)} is not a partitioner librdkafka has; set partitioner to one of ${row('partitioner').values?.join(', ')} (Java's default is murmur2_random)`)
  })

interface KeyDef {
  /** The setting this key writes: a canonical librdkafka name or one of ours. */
  target: string
  schema: z.ZodType<unknown>
}

const serializerKey = (target: string) => (key: string): KeyDef => ({ target, schema: serializerSchema(key) })
const socketBuffer = (key: string): KeyDef => {
  const p = row(`socket.${key}`)
  // Java's -1 means "OS default", which is librdkafka's 0.
  const n = numberSchema(key, { min: -1, max: p.max!, integer: true, unit: 'bytes' })
  return { target: p.name, schema: n.transform((x) => (x === -1 ? 0 : x)) }
}

/** The Java client's names librdkafka does not know (and ironkafka's own), mapped with units converted. */
const JAVA_KEYS: Record<string, (key: string) => KeyDef> = {
  'buffer.memory': (key) => {
    const p = row('queue.buffering.max.kbytes')
    // Bytes → KiB, rounded up so the queue holds at least what was asked for.
    const bytes = numberSchema(key, { min: 1, max: (p.max ?? INT32_MAX) * 1024, integer: true, unit: 'bytes' })
    return { target: p.name, schema: bytes.transform((n) => Math.ceil(n / 1024)) }
  },
  'max.request.size': (key) => {
    const p = row('message.max.bytes')
    return { target: p.name, schema: numberSchema(key, { min: p.min!, max: p.max!, integer: true, unit: 'bytes' }) }
  },
  'send.buffer.bytes': socketBuffer,
  'receive.buffer.bytes': socketBuffer,
  'partitioner.class': (key) => ({ target: 'partitioner', schema: partitionerClassSchema(key) }),
  // true = sticky partitioning that ignores keys (librdkafka: random); false = no opinion.
  'partitioner.ignore.keys': (key) => ({ target: 'partitioner', schema: booleanSchema(key).transform((b) => (b ? 'random' : undefined)) }),
  'key.serializer': serializerKey('key.serializer'),
  keySerializer: serializerKey('key.serializer'),
  'value.serializer': serializerKey('value.serializer'),
  valueSerializer: serializerKey('value.serializer'),
  'max.block.ms': (key) => ({ target: 'max.block.ms', schema: numberSchema(key, { min: 0, max: INT32_MAX, integer: true, unit: 'ms' }) }),
  logger: () => ({ target: 'logger', schema: loggerSchema }),
  oauthBearerProvider: () => ({ target: 'oauthBearerProvider', schema: functionSchema('oauthBearerProvider', 'an (async) function returning { value, principal, lifetime, extensions? }') }),
  saslCredentialsProvider: () => ({ target: 'saslCredentialsProvider', schema: functionSchema('saslCredentialsProvider', 'an (async) function returning { username, password }') }),
}

/** acks as the Java client writes it; librdkafka's wider range (acks=2...) is refused by brokers. */
const acksSchema = (key: string) =>
  z.unknown().transform((v, ctx): number => {
    const s = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : ''
    if (s === 'all' || s === '-1') return -1
    if (s === '0' || s === '1') return Number(s)
    return fail(ctx, `${key} must be all (or -1), 0 or 1; got ${show(v)}`)
  })

/** Java names (and Java consumer names) with no librdkafka counterpart: what to do instead. */
const JAVA_ONLY: Record<string, string> = {
  'sasl.client.callback.handler.class': 'Java classes cannot run here; librdkafka authenticates with sasl.username/sasl.password or sasl.oauthbearer.*',
  'sasl.login.callback.handler.class': 'Java classes cannot run here; librdkafka authenticates with sasl.username/sasl.password or sasl.oauthbearer.*',
  'interceptor.classes': 'Java interceptors cannot run here; wrap send() or listen to the producer events instead',
  'metric.reporters': 'Java metric reporters cannot run here; set statistics.interval.ms and listen to the producer\'s \'stats\' event',
  'metrics.num.samples': 'Java metrics only; librdkafka reports statistics through statistics.interval.ms',
  'metrics.sample.window.ms': 'Java metrics only; librdkafka reports statistics through statistics.interval.ms',
  'metrics.recording.level': 'Java metrics only; librdkafka reports statistics through statistics.interval.ms',
  'partitioner.adaptive.partitioning.enable': 'Java-only partitioner tuning with no librdkafka equivalent; remove it',
  'partitioner.availability.timeout.ms': 'Java-only partitioner tuning with no librdkafka equivalent; remove it',
  'metadata.max.idle.ms': 'Java-only; librdkafka keeps metadata for the topics it produces to (see topic.metadata.refresh.interval.ms)',
  'compression.gzip.level': 'librdkafka has one level for the chosen codec: use compression.level',
  'compression.lz4.level': 'librdkafka has one level for the chosen codec: use compression.level',
  'compression.zstd.level': 'librdkafka has one level for the chosen codec: use compression.level',
  'auto.include.jmx.reporter': 'Java metrics only; librdkafka reports statistics through statistics.interval.ms',
  'security.providers': 'Java security providers cannot run here; librdkafka uses OpenSSL',
  'ssl.engine.factory.class': 'Java classes cannot run here; see ssl.engine.location for OpenSSL engines',
}
const JAVA_CONSUMER_ONLY = new Set([
  'key.deserializer',
  'value.deserializer',
  'max.poll.records',
  'fetch.max.wait.ms',
  'exclude.internal.topics',
  'default.api.timeout.ms',
  'client.rack.aware',
])

/** librdkafka properties ironkafka sets itself: a user value would break settling sends. */
const MANAGED: Record<string, string> = {
  'log.queue': 'ironkafka routes librdkafka logs to the logger option and the \'log\' event itself',
  enabled_events: 'ironkafka chooses the librdkafka events it needs itself',
  'delivery.report.only.error': 'every send() settles from its delivery report; reports only for errors would leave successful sends pending forever',
}

/**
 * Properties librdkafka knows but this build or platform cannot use (test/config/table.test.mjs
 * holds this list to librdkafka's own verdict).
 */
const NOT_IN_THIS_BUILD: Record<string, string> = {
  'plugin.library.paths': "plugins are shared libraries linked against a shared librdkafka; ironkafka's librdkafka is inside the addon with its symbols hidden, so a plugin could not use it",
  ...(process.platform === 'win32'
    ? {}
    : { 'ssl.ca.certificate.stores': 'it names Windows certificate stores, so it only works on Windows; use ssl.ca.location' }),
}

// ---------------------------------------------------------------------------------------
// Key lookup

type Lookup = { def: KeyDef } | { error: string; rule: string }

const SCHEMAS = new Map<string, KeyDef>()

function lookup(key: string): Lookup {
  const cached = SCHEMAS.get(key)
  if (cached !== undefined) return { def: cached }
  if (Object.hasOwn(JAVA_KEYS, key)) {
    const def = JAVA_KEYS[key]!(key)
    SCHEMAS.set(key, def)
    return { def }
  }
  if (Object.hasOwn(MANAGED, key)) return { rule: 'managed-key', error: `${key} cannot be set: ${MANAGED[key]}` }
  if (Object.hasOwn(NOT_IN_THIS_BUILD, key)) return { rule: 'build-key', error: `${key} cannot be used here: ${NOT_IN_THIS_BUILD[key]}` }
  if (Object.hasOwn(JAVA_ONLY, key)) return { rule: 'java-only-key', error: `${key} is a Java client setting librdkafka does not have: ${JAVA_ONLY[key]}` }
  const p = PRODUCER_ROW.get(key)
  if (p === undefined) {
    if (BY_NAME.get(key)?.scope === 'C' || JAVA_CONSUMER_ONLY.has(key)) {
      return { rule: 'consumer-key', error: `${key} is a consumer setting; a producer does not use it. Remove it from the producer config` }
    }
    const guess = suggest(key)
    return {
      rule: 'unknown-key',
      error: guess
        ? `unknown setting ${key}. Did you mean ${guess}?`
        : `unknown setting ${key}: neither a librdkafka ${LIBRDKAFKA_VERSION} producer property nor a Java producer setting ironkafka maps`,
    }
  }
  if (p.type === 'api') return { rule: 'api-key', error: `${key} is set through librdkafka's C API, not as a config value; ironkafka does not expose it` }
  const target = canonical(key)
  const def: KeyDef = { target, schema: target === 'request.required.acks' ? acksSchema(key) : schemaFor(key, row(target)) }
  SCHEMAS.set(key, def)
  return { def }
}

const KNOWN_NAMES: string[] = [
  ...new Set([
    ...[...PRODUCER_ROW.values()].filter((p) => p.type !== 'api' && !Object.hasOwn(MANAGED, p.name)).map((p) => p.name),
    ...Object.keys(JAVA_KEYS),
  ]),
]

/** camelCase, snake_case and kebab-case → dotted lower case: lingerMs → linger.ms. */
function normalise(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1.$2').replace(/[_\-\s]+/g, '.').toLowerCase()
}

function distance(a: string, b: string): number {
  // Damerau-Levenshtein (optimal string alignment): typos are mostly one slip or one swap.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The closest known name, if it is close enough to be what was meant. */
export function suggest(key: string): string | undefined {
  const n = normalise(key)
  let best: string | undefined
  let bestD = Infinity
  for (const name of KNOWN_NAMES) {
    if (name === 'keySerializer' || name === 'valueSerializer') continue
    const d = normalise(name) === n ? 0 : distance(n, name)
    if (d < bestD) {
      bestD = d
      best = name
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(n.length / 4)) ? best : undefined
}

// ---------------------------------------------------------------------------------------
// Defaults, display names, rules

/** Where ironkafka departs from librdkafka's defaults: the Java client's safe choices. */
const OUR_DEFAULTS: Record<string, unknown> = {
  'enable.idempotence': true,
  'request.required.acks': -1,
  partitioner: 'murmur2_random',
  'max.block.ms': 60_000,
}

/** What a secret's value reads as in ResolvedConfig.settings. */
const REDACTED = '***'

const OWN_TARGETS = new Set(['max.block.ms', 'key.serializer', 'value.serializer', 'logger', 'oauthBearerProvider', 'saslCredentialsProvider'])

function toNative(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v)
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Validates a producer config completely; never throws. */
export function checkConfig(input: unknown): ConfigReport {
  const errors: ConfigIssue[] = []
  const warnings: ConfigIssue[] = []
  const settings: Record<string, ResolvedSetting> = {}
  const given = new Map<string, Array<{ key: string; value: unknown }>>()
  const failed = new Set<string>()

  if (!isPlainObject(input)) {
    errors.push({ key: '', rule: 'not-an-object', message: `config must be an object of settings; got ${show(input)}` })
    return { ok: false, errors, warnings, resolved: finish(settings, warnings) }
  }

  const add = (target: string, key: string, value: unknown) => {
    const list = given.get(target) ?? []
    list.push({ key, value })
    given.set(target, list)
  }

  // 1-2a: the Java security settings that are read together (java-security.ts).
  const java = translateJavaSecurity(input)
  errors.push(...java.errors)
  for (const t of java.entries) {
    const parsed = schemaFor(t.key, row(t.target)).safeParse(t.value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ key: t.key, message: issue.message, rule: 'value' })
      failed.add(t.target)
    } else add(t.target, t.key, parsed.data)
  }

  // 1-2: every other key and value on its own.
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue // unset (e.g. an absent env var)
    if (java.consumed.has(key)) continue
    const found = lookup(key)
    if ('error' in found) {
      errors.push({ key, message: found.error, rule: found.rule })
      continue
    }
    const parsed = found.def.schema.safeParse(raw)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ key, message: issue.message, rule: 'value' })
      failed.add(found.def.target)
      continue
    }
    if (parsed.data === undefined) continue // a key that expresses no opinion (partitioner.ignore.keys=false)
    add(found.def.target, key, parsed.data)
  }

  // 3: one setting, several names.
  for (const [target, list] of given) {
    const first = list[0]!
    const other = list.find((x) => !same(x.value, first.value))
    if (other !== undefined) {
      const keys = list.map((x) => x.key)
      errors.push({
        rule: 'same-setting',
        key: other.key,
        keys,
        message: SECRET_SETTINGS.has(target)
          ? `${keys.join(' and ')} set the same setting (${target}) to different values; keep only one of them`
          : `${keys.join(' and ')} set the same setting (${target}) to different values (${list
            .map((x) => `${x.key}=${show(input[x.key])}`)
            .join(', ')}); keep only one of them`,
      })
      continue
    }
    settings[target] = { value: first.value, source: 'user', keys: list.map((x) => x.key) }
  }

  // 4: defaults, implied values, rules.
  for (const [target, value] of Object.entries(OUR_DEFAULTS)) {
    if (settings[target] === undefined && !given.has(target) && !failed.has(target)) {
      settings[target] = { value, source: 'default', keys: [] }
    }
  }
  applyRules(settings, (t) => failed.has(t) || (given.has(t) && settings[t] === undefined), errors, warnings)

  const resolved = finish(settings, warnings)
  return { ok: errors.length === 0, errors, warnings, resolved }
}

function finish(settings: Record<string, ResolvedSetting>, warnings: ConfigIssue[]): ResolvedConfig {
  const librdkafka: Record<string, string> = {}
  for (const [t, s] of Object.entries(settings)) {
    if (!OWN_TARGETS.has(t)) librdkafka[t] = toNative(s.value)
  }
  // Only the librdkafka pairs carry secrets: settings are for showing where values came from.
  for (const t of SECRET_SETTINGS) if (settings[t] !== undefined) settings[t] = { ...settings[t]!, value: REDACTED }
  return {
    librdkafka,
    settings,
    maxBlockMs: (settings['max.block.ms']?.value as number | undefined) ?? (OUR_DEFAULTS['max.block.ms'] as number),
    keySerializer: settings['key.serializer']?.value,
    valueSerializer: settings['value.serializer']?.value,
    logger: settings.logger?.value,
    oauthBearerProvider: settings.oauthBearerProvider?.value,
    saslCredentialsProvider: settings.saslCredentialsProvider?.value,
    warnings,
  }
}

/**
 * Validates a producer config and returns it resolved (librdkafka pairs, where each value
 * came from, warnings). Throws ConfigError listing every problem at once.
 */
export function validateConfig(input: unknown): ResolvedConfig {
  const report = checkConfig(input)
  const errors = [...report.errors, ...producerIssues(report.resolved, report.errors)]
  if (errors.length > 0) throw new ConfigError(errors, report.warnings)
  return report.resolved
}


/**
 * The same validation as a zod schema, to embed in an application's own config schema:
 * parses to the ResolvedConfig, with one zod issue (path = the key) per problem.
 */
export const producerConfigSchema = z.unknown().transform((input, ctx): ResolvedConfig => {
  const report = checkConfig(input)
  for (const e of report.errors) ctx.addIssue({ code: 'custom', message: e.message, path: e.key === '' ? [] : [e.key] })
  return report.resolved
})
