// `ironkafka` command line. check-config is a deploy gate: it reads a producer config file
// (JSON or Java .properties, ${ENV} expanded), validates it exactly as new Producer() would,
// prints errors and warnings, and exits 1 when the config cannot work. It never loads the
// native addon and never contacts a broker.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { checkConfig, producerIssues } from '../config/validate.js'
import { SECRET_SETTINGS } from '../config/java-security.js'
import { readConfigFile, type ConfigFormat } from './config-file.js'
import type { ConfigIssue } from '../errors.js'
import { PERF_MODES, type PerfMode } from './perf-modes.js'

const USAGE = `Usage:
  ironkafka --version

  ironkafka check-config <file | -> [--json] [--format json|properties]

  Validates a producer config (JSON object or Java .properties; \${VAR} and \${VAR:-default}
  are expanded from the environment). Exit status: 0 valid, 1 invalid, 2 usage or I/O error.

  ironkafka perf-test --records N --record-size BYTES [--bootstrap HOST:PORT] [--topic NAME]
                      [--mode produce|callback|awaited|batch] [--throughput RECORDS_PER_SEC]
                      [--producer-props NAME=VALUE ...] [--producer.config FILE]
                      [--concurrency N] [--partitions N] [--reporting-interval MS]

  Measures the producer like kafka-producer-perf-test (records/s, MB/s, delivery latency).
  Without --bootstrap it starts librdkafka's mock cluster in a separate process (1 broker,
  --partitions partitions, default 4). --mode callback is the default; --throughput -1 (the
  default) sends as fast as the producer accepts. Exit status: 0, 1 if any record failed.
`

/** Values of settings whose names look secret are never printed. */
const SECRET = /(password|secret|jaas|token|credential|\.pem$|key\.pem|private)/i

function redact(key: string, value: unknown): unknown {
  return SECRET.test(key) || SECRET_SETTINGS.has(key) ? '***' : value
}

interface Io {
  out: (s: string) => void
  err: (s: string) => void
  env: NodeJS.ProcessEnv
}

/** This package's version (dist/cli/ -> the package root). */
function version(): string {
  return JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    io.out(`ironkafka ${version()}\n`)
    return 0
  }
  if ((command === 'check-config' || command === 'perf-test') && rest.some((a) => a === '--help' || a === '-h')) {
    io.out(USAGE)
    return 0
  }
  if (command === 'check-config') return checkConfigCommand(rest, io)
  if (command === 'perf-test') return perfTestCommand(rest, io)
  io.err(`ironkafka: unknown command ${command}\n${USAGE}`)
  return 2
}

function checkConfigCommand(args: string[], io: Io): number {
  let json = false
  let format: ConfigFormat | undefined
  const files: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--json') json = true
    else if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]
      if (v !== 'json' && v !== 'properties') {
        io.err(`ironkafka check-config: --format must be json or properties\n`)
        return 2
      }
      format = v
    } else if (a.startsWith('--') ) {
      io.err(`ironkafka check-config: unknown option ${a}\n${USAGE}`)
      return 2
    } else files.push(a)
  }
  if (files.length !== 1) {
    io.err(USAGE)
    return 2
  }
  const file = files[0]!
  let loaded
  try {
    loaded = readConfigFile(file, io.env, format)
  } catch (e) {
    io.err(`ironkafka check-config: cannot read ${file}: ${(e as Error).message}\n`)
    return 2
  }
  const report = checkConfig(loaded.config)
  // The same verdict as new Producer(): the config's own rules and what a producer needs.
  const found = [...loaded.errors, ...report.errors]
  const errors = [...found, ...producerIssues(report.resolved, found)]
  const warnings = [...loaded.warnings, ...report.warnings]
  const ok = errors.length === 0

  if (json) {
    const settings: Record<string, unknown> = {}
    for (const [k, s] of Object.entries(report.resolved.settings)) {
      settings[k] = { value: redact(k, s.value), source: s.source, keys: s.keys }
    }
    const librdkafka: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(report.resolved.librdkafka)) librdkafka[k] = redact(k, v)
    io.out(JSON.stringify({ file, format: loaded.format, ok, errors, warnings, settings, librdkafka }, null, 2) + '\n')
    return ok ? 0 : 1
  }

  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  io.out(`${file} (${loaded.format}): ${ok ? 'valid' : 'INVALID'}, ${count(errors.length, 'error')}, ${count(warnings.length, 'warning')}\n`)
  const line = (tag: string, i: ConfigIssue) => `  ${tag} ${i.key === '' ? '' : `[${i.key}] `}${i.message}\n`
  for (const e of errors) io.out(line('error  ', e))
  for (const w of warnings) io.out(line('warning', w))
  if (ok) {
    io.out('\nResolved settings (value, source):\n')
    const rows = Object.entries(report.resolved.settings).map(([k, s]) => [
      k,
      String(redact(k, s.value)),
      s.source + (s.keys.length > 0 && (s.keys.length > 1 || s.keys[0] !== k) ? ` (${s.keys.join(', ')})` : ''),
    ])
    const w0 = Math.max(...rows.map((r) => r[0]!.length))
    const w1 = Math.max(...rows.map((r) => r[1]!.length))
    for (const [k, v, src] of rows) io.out(`  ${k!.padEnd(w0)}  ${v!.padEnd(w1)}  ${src}\n`)
  }
  return ok ? 0 : 1
}

async function perfTestCommand(args: string[], io: Io): Promise<number> {
  const usage = (why: string): number => {
    io.err(`ironkafka perf-test: ${why}\n${USAGE}`)
    return 2
  }
  const opt: Record<string, string> = {}
  const props: Record<string, string> = {}
  const names = ['--records', '--record-size', '--bootstrap', '--topic', '--mode', '--throughput', '--producer.config', '--concurrency', '--partitions', '--reporting-interval']
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--producer-props') {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) {
        const kv = args[++i]!
        const eq = kv.indexOf('=')
        if (eq <= 0) return usage(`--producer-props expects NAME=VALUE, got ${kv}`)
        props[kv.slice(0, eq)] = kv.slice(eq + 1)
      }
    } else if (names.includes(a)) {
      const v = args[++i]
      if (v === undefined) return usage(`${a} needs a value`)
      opt[a.slice(2)] = v
    } else return usage(`unknown option ${a}`)
  }
  const int = (name: string, dflt?: number): number | undefined => {
    const v = opt[name]
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isInteger(n)) throw new TypeError(`--${name} must be an integer, got ${v}`)
    return n
  }
  let records: number | undefined, size: number | undefined, rate: number, concurrency: number, partitions: number, interval: number
  try {
    records = int('records')
    size = int('record-size')
    rate = int('throughput', -1)!
    concurrency = int('concurrency', 10_000)!
    partitions = int('partitions', 4)!
    interval = int('reporting-interval', 5000)!
  } catch (e) {
    return usage((e as Error).message)
  }
  if (records === undefined || records < 1) return usage('--records N (>= 1) is required')
  if (size === undefined || size < 0) return usage('--record-size BYTES (>= 0) is required')
  const mode = (opt['mode'] ?? 'callback') as PerfMode
  if (!PERF_MODES.includes(mode)) return usage(`--mode must be one of ${PERF_MODES.join(', ')}`)

  // Settings: --producer.config, then --producer-props on top; validated like new Producer().
  let config: Record<string, unknown> = {}
  if (opt['producer.config'] !== undefined) {
    try {
      const loaded = readConfigFile(opt['producer.config'], io.env, undefined)
      if (loaded.errors.length > 0) return usage(`${opt['producer.config']}: ${loaded.errors.map((e) => e.message).join('; ')}`)
      config = loaded.config as Record<string, unknown>
    } catch (e) {
      return usage(`cannot read ${opt['producer.config']}: ${(e as Error).message}`)
    }
  }
  Object.assign(config, props)
  const report = checkConfig({ 'bootstrap.servers': opt['bootstrap'] ?? '127.0.0.1:1', ...config })
  if (report.errors.length > 0) {
    for (const e of report.errors) io.err(`  error [${e.key}] ${e.message}\n`)
    return 1
  }

  const { runPerf, BrokerProcess } = await import('./perf.js')
  const topic = opt['topic'] ?? 'perf-test'
  const broker = opt['bootstrap'] === undefined ? await BrokerProcess.start({ brokers: 1, topics: [{ name: topic, partitions }] }) : undefined
  const bootstrap = opt['bootstrap'] ?? broker!.bootstrap
  if (broker) {
    io.err(`mock cluster (1 broker, ${partitions} partitions) in a separate process at ${bootstrap}\n`)
  }
  try {
    const r = await runPerf({
      bootstrap,
      topic,
      records,
      recordSize: size,
      mode,
      rate: rate > 0 ? rate : 0,
      concurrency,
      config: config as never,
      progressMs: interval,
      progress: (w) => {
        io.out(`${w.records} records sent, ${(w.records / w.seconds).toFixed(1)} records/sec ` +
          `(${((w.records * size!) / w.seconds / 2 ** 20).toFixed(2)} MB/sec), ${w.latencyAvg.toFixed(1)} ms avg latency, ${w.latencyMax.toFixed(1)} ms max latency.\n`)
      },
    })
    const l = r.latency
    io.out(`${r.records} records sent, ${r.records_per_sec.toFixed(1)} records/sec (${r.mb_per_sec.toFixed(2)} MB/sec)` +
      (l ? `, ${l.avg.toFixed(2)} ms avg latency, ${l.max.toFixed(2)} ms max latency, ${l.p50.toFixed(2)} ms 50th, ${l.p95.toFixed(2)} ms 95th, ${l.p99.toFixed(2)} ms 99th, ${l.p999.toFixed(2)} ms 99.9th.` : ' (fire-and-forget: no per-record latency).') +
      `\n${r.failed} failed${r.first_error ? ` (first: ${r.first_error})` : ''}, event loop max delay ${r.loop_delay_max_ms.toFixed(1)} ms, peak RSS ${(r.max_rss_kb / 1024).toFixed(0)} MiB\n`)
    return r.failed > 0 ? 1 : 0
  } finally {
    await broker?.stop()
  }
}

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
  }
}
