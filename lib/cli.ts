// `ironkafka` command line. check-config is a deploy gate: it reads a producer config file
// (JSON or Java .properties, ${ENV} expanded), validates it exactly as new Producer() would,
// prints errors and warnings, and exits 1 when the config cannot work. It never loads the
// native addon and never contacts a broker.
import { checkConfig } from './config/validate.js'
import { readConfigFile, type ConfigFormat } from './config/file.js'
import type { ConfigIssue } from './errors.js'

const USAGE = `Usage:
  ironkafka check-config <file | -> [--json] [--format json|properties]

  Validates a producer config (JSON object or Java .properties; \${VAR} and \${VAR:-default}
  are expanded from the environment). Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
`

/** Values of settings whose names look secret are never printed. */
const SECRET = /(password|secret|jaas|token|credential|\.pem$|key\.pem|private)/i

function redact(key: string, value: unknown): unknown {
  return SECRET.test(key) ? '***' : value
}

interface Io {
  out: (s: string) => void
  err: (s: string) => void
  env: NodeJS.ProcessEnv
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE)
    return command === undefined ? 2 : 0
  }
  if (command === 'check-config') return checkConfigCommand(rest, io)
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
  const errors = [...loaded.errors, ...report.errors]
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

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
  }
}
