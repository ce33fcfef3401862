// Value schemas (zod) for librdkafka's properties, from the generated table: each turns what
// a user may write (numbers and booleans also as strings, from env vars and .properties
// files) into the canonical setting's value, or reports what is allowed.
import { z } from 'zod'
import { LIBRDKAFKA_VERSION, type LibrdkafkaProperty } from './librdkafka.generated.js'
import { PRODUCER_ROW } from './table.js'

export const INT32_MAX = 2147483647

export function canonical(name: string): string {
  let p = PRODUCER_ROW.get(name)
  const seen = new Set<string>()
  while (p?.alias !== undefined && !seen.has(p.name)) {
    seen.add(p.name)
    const next: LibrdkafkaProperty | undefined = PRODUCER_ROW.get(p.alias)
    if (next === undefined) return p.alias
    p = next
  }
  return p?.name ?? name
}

export function row(name: string): LibrdkafkaProperty {
  const p = PRODUCER_ROW.get(canonical(name))
  if (p === undefined) throw new Error(`ironkafka: librdkafka ${LIBRDKAFKA_VERSION} has no property ${name}`)
  return p
}

// ---------------------------------------------------------------------------------------
// Value schemas (zod). Each turns what a user may write (numbers and booleans also as strings,
// from env vars and .properties files) into the canonical setting's value, or reports what
// is allowed.

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'function') return 'a function'
  if (v === null) return 'null'
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object'
  return String(v)
}

export function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message })
  return z.NEVER as never
}

export function numberSchema(key: string, opts: { min: number; max: number; integer: boolean; unit?: string }) {
  const what = opts.integer ? 'an integer' : 'a number'
  const unit = opts.unit ? ` ${opts.unit}` : ''
  return z.unknown().transform((v, ctx): number => {
    let n: number
    if (typeof v === 'number') n = v
    else if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) n = Number(v)
    else return fail(ctx, `${key} must be ${what} from ${opts.min} to ${opts.max}${unit}; got ${show(v)}`)
    if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < opts.min || n > opts.max) {
      return fail(ctx, `${key} must be ${what} from ${opts.min} to ${opts.max}${unit}; got ${show(v)}`)
    }
    return n
  })
}

export const booleanSchema = (key: string) =>
  z.unknown().transform((v, ctx): boolean => {
    if (typeof v === 'boolean') return v
    if (typeof v === 'string' && /^\s*(true|false)\s*$/i.test(v)) return v.trim().toLowerCase() === 'true'
    return fail(ctx, `${key} must be true or false; got ${show(v)}`)
  })

export const enumSchema = (key: string, values: readonly string[]) =>
  z.unknown().transform((v, ctx): string => {
    // librdkafka compares enum values case-insensitively; normalise to its spelling.
    const hit = typeof v === 'string' ? values.find((x) => x.toLowerCase() === v.trim().toLowerCase()) : undefined
    return hit ?? fail(ctx, `${key} must be one of ${values.join(', ')}; got ${show(v)}`)
  })

export const flagsSchema = (key: string, values: readonly string[]) =>
  z.unknown().transform((v, ctx): string => {
    const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null
    if (list === null || list.some((x) => typeof x !== 'string')) {
      return fail(ctx, `${key} must be a comma-separated list (or an array) of ${values.join(', ')}; got ${show(v)}`)
    }
    const out: string[] = []
    for (const item of list as string[]) {
      const t = item.trim()
      if (t === '') continue
      const hit = values.find((x) => x.toLowerCase() === t.toLowerCase())
      if (hit === undefined) return fail(ctx, `${key}: ${JSON.stringify(t)} is not one of ${values.join(', ')}`)
      out.push(hit)
    }
    return out.join(',')
  })

export const stringSchema = (key: string, opts: { list?: boolean } = {}) =>
  z.unknown().transform((v, ctx): string => {
    if (typeof v === 'string') return v
    if (typeof v === 'number' && Number.isFinite(v)) return String(v)
    if (opts.list && Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',')
    return fail(ctx, `${key} must be a string${opts.list ? ' or an array of strings' : ''}; got ${show(v)}`)
  })

export function schemaFor(key: string, p: LibrdkafkaProperty): z.ZodType<unknown> {
  switch (p.type) {
    case 'integer':
      return numberSchema(key, { min: p.min ?? -INT32_MAX - 1, max: p.max ?? INT32_MAX, integer: true })
    case 'float':
      return numberSchema(key, { min: p.min ?? -Infinity, max: p.max ?? Infinity, integer: false })
    case 'boolean':
      return booleanSchema(key)
    case 'enum':
      return enumSchema(key, p.values ?? [])
    case 'flags':
      // builtin.features checks for features; plugins (dlopen) are not in the static build.
      return flagsSchema(key, (p.values ?? []).filter((v) => p.name !== 'builtin.features' || v !== 'plugins'))
    default:
      if (p.values !== undefined && p.values.length > 0) return enumSchema(key, p.values)
      return stringSchema(key, { list: p.name === 'metadata.broker.list' })
  }
}

