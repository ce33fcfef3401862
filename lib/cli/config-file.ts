// Reading a producer config from a file, as deploy pipelines keep them: JSON, or a Java
// .properties file (the format the Java client and Kafka's tools read), with ${ENV}
// references expanded. Pure functions plus one readFile; used by the check-config CLI.
import fs from 'node:fs'
import type { ConfigIssue } from '../errors.js'

export interface PropertiesEntry {
  key: string
  value: string
  line: number
}

/**
 * Parses Java .properties text (java.util.Properties.load rules): `#`/`!` comments, `=`, `:`
 * or whitespace separators, backslash line continuations, \t \n \r \f \uXXXX escapes.
 */
export function parseProperties(text: string): PropertiesEntry[] {
  const out: PropertiesEntry[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1
    let logical = lines[i]!.replace(/^[ \t\f]+/, '')
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '')
    }
    if (/(^|[^\\])(\\\\)*\\$/.test(logical)) logical = logical.slice(0, -1)
    let k = 0
    let key = ''
    for (; k < logical.length; k++) {
      const c = logical[k]!
      if (c === '\\') {
        key += logical.slice(k, k + 2)
        k++
        continue
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break
      key += c
    }
    let rest = logical.slice(k).replace(/^[ \t\f]+/, '')
    if (rest[0] === '=' || rest[0] === ':') rest = rest.slice(1).replace(/^[ \t\f]+/, '')
    out.push({ key: unescape(key), value: unescape(rest), line: start })
  }
  return out
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16))
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e
  })
}

/**
 * Expands ${NAME} and ${NAME:-fallback} in a value; $${ is a literal ${. Returns the names
 * that are not set (and have no fallback).
 */
export function expandEnv(value: string, env: NodeJS.ProcessEnv): { value: string; missing: string[] } {
  const missing: string[] = []
  const out = value.replace(/\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g, (whole, escaped, name: string, hasDefault, fallback: string) => {
    if (escaped) return whole.slice(1)
    const v = env[name]
    if (v !== undefined && v !== '') return v
    if (hasDefault !== undefined) return fallback
    if (v === '') return ''
    missing.push(name)
    return whole
  })
  return { value: out, missing }
}

export type ConfigFormat = 'json' | 'properties'

export interface LoadedConfig {
  format: ConfigFormat
  config: Record<string, unknown>
  /** Problems with the file itself (syntax, missing env vars); config errors come later. */
  errors: ConfigIssue[]
  warnings: ConfigIssue[]
}

export function detectFormat(file: string, text: string): ConfigFormat {
  if (/\.json$/i.test(file)) return 'json'
  if (/\.(properties|conf|cfg|props)$/i.test(file)) return 'properties'
  return /^\s*\{/.test(text) ? 'json' : 'properties'
}

/** Parses config text (JSON object or .properties) and expands env references in values. */
export function parseConfigText(text: string, format: ConfigFormat, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const errors: ConfigIssue[] = []
  const warnings: ConfigIssue[] = []
  const config: Record<string, unknown> = {}
  const expand = (key: string, v: string): string => {
    const r = expandEnv(v, env)
    for (const name of r.missing) {
      errors.push({ key, rule: 'file', message: `${key} refers to \${${name}}, which is not set in the environment (write \${${name}:-default} for a fallback)` })
    }
    return r.value
  }
  if (format === 'json') {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (e) {
      errors.push({ key: '', rule: 'file', message: `not valid JSON: ${(e as Error).message}` })
      return { format, config, errors, warnings }
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      errors.push({ key: '', rule: 'file', message: 'the JSON must be an object of settings ({ "bootstrap.servers": "...", ... })' })
      return { format, config, errors, warnings }
    }
    for (const [key, v] of Object.entries(data)) {
      if (typeof v === 'string') config[key] = expand(key, v)
      else if (Array.isArray(v)) config[key] = v.map((x) => (typeof x === 'string' ? expand(key, x) : x))
      else config[key] = v
    }
  } else {
    // Last one wins, as in Java; only the values actually used are expanded.
    const used = new Map<string, PropertiesEntry>()
    for (const e of parseProperties(text)) {
      const prev = used.get(e.key)
      if (prev !== undefined && prev.value !== e.value) {
        warnings.push({ key: e.key, rule: 'file', message: `${e.key} is set on line ${prev.line} and again on line ${e.line}; the last one is used, as in Java` })
      }
      used.set(e.key, e)
    }
    for (const e of used.values()) config[e.key] = expand(e.key, e.value)
  }
  return { format, config, errors, warnings }
}

/** Reads a config file ('-' = stdin). Throws only when the file cannot be read. */
export function readConfigFile(file: string, env: NodeJS.ProcessEnv = process.env, format?: ConfigFormat): LoadedConfig {
  const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  return parseConfigText(text, format ?? detectFormat(file, text), env)
}
