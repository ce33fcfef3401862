// Record encoding: validates a record and captures everything the producer needs from it at
// call time (topic string, partition, timestamp, serialized key and value, headers), so
// nothing is read from the caller's object again. Pure: no native code, no producer state.
// Every error is thrown here, before anything is queued (the rule is in errors.ts).
import type { Serializer } from '../config/types.js'
import type { Bytes, ProducerRecord, RecordHeaders } from './types.js'

/** Builds the KafkaError for a record Kafka would refuse (given by the producer: keeps this module free of the addon). */
export type Refusal = (code: 'TOPIC_EXCEPTION' | 'MSG_SIZE_TOO_LARGE', message: string, record: unknown) => Error

/** A record as the producer keeps it. Buffers are the caller's until staged or captured. */
export interface EncodedRecord {
  /** The caller's object, for error reports only (never read again). */
  record: unknown
  topic: string
  /** -1 = chosen by the partitioner. */
  partition: number
  /** ms since the epoch; 0 = time of send (librdkafka's convention). */
  timestamp: number
  key: Bytes
  value: Bytes
  /** Flat [name, value, name, value, ...]; null when there are none. */
  headers: Array<Buffer | string | null> | null
  /** Bytes of key, value and headers (UTF-8 counted at 3 per UTF-16 unit: an upper bound). */
  bound: number
  /**
   * Bytes counted against buffer.memory: `bound`, or the exact count where the bound would
   * exceed a limit (so a record that fits is never counted as one that cannot).
   */
  size: number
}

/**
 * librdkafka's largest per-record framing (RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD: length,
 * attributes, timestamp and offset deltas, key and value lengths, header count as varints),
 * which it adds to key + value + headers before comparing with message.max.bytes.
 */
export const RECORD_FRAMING_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5

/**
 * What a buffered record costs beyond its key, value and headers, as ironkafka counts it
 * against buffer.memory, so that the limit bounds memory rather than payload alone. Measured
 * (bench/RESULTS.md): librdkafka keeps about 190 B per queued message, and a pending send
 * holds 180-400 B of JS heap. Rounded up.
 */
export const RECORD_OVERHEAD = 512

/** Headers per record (the stage's header-length array holds one record's at least). */
export const MAX_HEADERS = 2048

/** The latest time a Date can hold, ms. */
const MAX_TIMESTAMP = 8.64e15
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/

export interface EncoderLimits {
  refuse: Refusal
  /** message.max.bytes, and the name the user gave it. */
  maxMessageBytes: number
  maxMessageBytesName: string
  /** buffer.memory in bytes, and the name the user gave it. */
  bufferBytes: number
  bufferBytesName: string
}

type Out = (v: unknown, topic: string) => Bytes

export class RecordEncoder {
  readonly #keyOut: Out
  readonly #valueOut: Out
  readonly #limits: EncoderLimits
  /** Topics already found legal: most producers send to a few topics. */
  readonly #legal = new Set<string>()

  constructor(keySerializer: Serializer<unknown> | undefined, valueSerializer: Serializer<unknown> | undefined, limits: EncoderLimits) {
    this.#keyOut = serializer(keySerializer, 'key')
    this.#valueOut = serializer(valueSerializer, 'value')
    this.#limits = limits
  }

  /**
   * `into`: a record to fill instead of allocating one (the producer's scratch for single
   * sends, read at once). It is written only after every user serializer has run, so a
   * serializer that sends meanwhile cannot disturb it.
   */
  encode(record: ProducerRecord<unknown, unknown>, into?: EncodedRecord): EncodedRecord {
    if (record === null || typeof record !== 'object') throw new TypeError('record must be an object')
    const topic = record.topic
    if (typeof topic !== 'string') throw new TypeError('record.topic must be a string')
    if (!this.#legal.has(topic)) {
      if (!LEGAL_TOPIC.test(topic) || topic === '.' || topic === '..') {
        throw this.#limits.refuse('TOPIC_EXCEPTION', `illegal topic name '${topic}': 1-249 characters of [a-zA-Z0-9._-], and not '.' or '..'`, record)
      }
      this.#legal.add(topic)
    }
    const p = record.partition
    let partition = -1
    if (p !== undefined && p !== null) {
      if (!Number.isInteger(p) || p < 0 || p > 0x7fffffff) throw new TypeError(`record.partition must be an integer >= 0, got ${String(p)}`)
      partition = p
    }
    const t = record.timestamp
    let timestamp = 0
    if (t !== undefined && t !== null) {
      timestamp = t instanceof Date ? t.getTime() : (t as number)
      if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 1 || timestamp > MAX_TIMESTAMP) {
        throw new TypeError(`record.timestamp must be a Date or whole milliseconds from 1 to ${MAX_TIMESTAMP}, got ${String(t)}`)
      }
    }
    if (!('value' in record)) throw new TypeError('record.value is required (use null for a tombstone)')
    const key = record.key === undefined || record.key === null ? null : this.#keyOut(record.key, topic)
    const value = record.value === null ? null : this.#valueOut(record.value, topic)
    const headers = flattenHeaders(record.headers)
    let bound = bytesBound(key) + bytesBound(value)
    if (headers !== null) for (const h of headers) bound += bytesBound(h)
    let enc: EncodedRecord
    if (into === undefined) enc = { record, topic, partition, timestamp, key, value, headers, bound, size: bound }
    else {
      enc = into
      enc.record = record
      enc.topic = topic
      enc.partition = partition
      enc.timestamp = timestamp
      enc.key = key
      enc.value = value
      enc.headers = headers
      enc.bound = bound
      enc.size = bound
    }
    this.#checkSize(enc)
    return enc
  }

  /** Refuses a record librdkafka would refuse for its size, or that can never fit buffer.memory. */
  #checkSize(enc: EncodedRecord): void {
    const l = this.#limits
    // Cheap bound first: the exact count needs an encoding pass over each string.
    const framing = RECORD_FRAMING_BYTES + (enc.headers === null ? 0 : (enc.headers.length / 2) * 10)
    if (enc.bound + framing <= l.maxMessageBytes && enc.bound + RECORD_OVERHEAD <= l.bufferBytes) return
    const wire = wireSize(enc)
    if (wire > l.maxMessageBytes) {
      throw l.refuse('MSG_SIZE_TOO_LARGE', `record of ${wire} bytes (with librdkafka's framing) exceeds ${l.maxMessageBytesName} (${l.maxMessageBytes})`, enc.record)
    }
    const payload = wire - RECORD_FRAMING_BYTES
    enc.size = payload
    if (payload + RECORD_OVERHEAD > l.bufferBytes) {
      throw l.refuse('MSG_SIZE_TOO_LARGE',
        `record of ${payload} bytes can never fit ${l.bufferBytesName} (${l.bufferBytes} bytes, of which each buffered record also takes ${RECORD_OVERHEAD}); raise ${l.bufferBytesName}`,
        enc.record)
    }
  }
}

/**
 * The record as librdkafka sizes it against message.max.bytes: framing, key, value, and
 * each header's name and value with their zigzag-varint lengths.
 */
export function wireSize(enc: EncodedRecord): number {
  let n = RECORD_FRAMING_BYTES + bytesExact(enc.key) + bytesExact(enc.value)
  const h = enc.headers
  if (h !== null) {
    for (let i = 0; i < h.length; i += 2) {
      const name = bytesExact(h[i]!)
      const value = bytesExact(h[i + 1]!)
      n += name + value + varintBytes(name) + varintBytes(value)
    }
  }
  return n
}

/** Bytes of a zigzag varint of n >= 0 (librdkafka's rd_uvarint_enc_i64). */
function varintBytes(n: number): number {
  let z = n * 2
  let bytes = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    bytes++
  }
  return bytes
}

export function emptyRecord(): EncodedRecord {
  return { record: undefined, topic: '', partition: -1, timestamp: 0, key: null, value: null, headers: null, bound: 0, size: 0 }
}

/** Drops a reused encoded form's references to a caller's record and bytes. */
export function clearRecord(enc: EncodedRecord): void {
  enc.record = undefined
  enc.key = null
  enc.value = null
  enc.headers = null
}

/** A copy of the record that owns its bytes: for records that wait, while the caller may reuse its Buffers. */
export function captured(enc: EncodedRecord): EncodedRecord {
  const copy = (b: Bytes): Bytes => (Buffer.isBuffer(b) ? Buffer.from(b) : b)
  return { ...enc, key: copy(enc.key), value: copy(enc.value), headers: enc.headers === null ? null : enc.headers.map(copy) }
}

function bytesBound(p: Bytes): number {
  return p === null ? 0 : typeof p === 'string' ? p.length * 3 : p.length
}

function bytesExact(p: Bytes): number {
  return p === null ? 0 : typeof p === 'string' ? Buffer.byteLength(p) : p.length
}

function serializer(s: Serializer<unknown> | undefined, what: 'key' | 'value'): Out {
  if (s === undefined) return (v) => asBytes(v, `record.${what}`)
  if (typeof s === 'function') {
    return (v, topic) => {
      const out = s(v, topic)
      return out === null ? null : asBytes(out, `${what}Serializer result`)
    }
  }
  switch (s) {
    case 'buffer':
      return (v) => {
        if (Buffer.isBuffer(v)) return v
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        throw new TypeError(`record.${what} must be a Buffer (${what}Serializer 'buffer')`)
      }
    case 'string':
      return (v) => {
        if (typeof v === 'string') return v
        throw new TypeError(`record.${what} must be a string (${what}Serializer 'string')`)
      }
    case 'json':
      return (v) => {
        const out = JSON.stringify(v)
        if (out === undefined) throw new TypeError(`record.${what} cannot be serialized as JSON`)
        return out
      }
    default:
      throw new TypeError(`${what}Serializer must be 'buffer', 'string', 'json' or a function`)
  }
}

function asBytes(v: unknown, what: string): Bytes {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return v
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  throw new TypeError(`${what} must be a Buffer, a string or null, got ${v === null ? 'null' : typeof v}`)
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function flattenHeaders(h: RecordHeaders | undefined | null): Array<Buffer | string | null> | null {
  if (h === undefined || h === null) return null
  let entries: Iterable<readonly [unknown, unknown]>
  if (Array.isArray(h)) entries = h as Array<readonly [unknown, unknown]>
  else if (h instanceof Map) entries = h
  else if (typeof h === 'object' && isPlainObject(h)) entries = Object.entries(h)
  else throw new TypeError('record.headers must be a plain object, a Map, or an array of [name, value]')
  const out: Array<Buffer | string | null> = []
  for (const e of entries) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') {
      throw new TypeError('record.headers entries must be [name: string, value: Buffer | string | null]')
    }
    const v: unknown = e[1]
    if (typeof v === 'string' || v === null || Buffer.isBuffer(v)) out.push(e[0], v)
    else if (v instanceof Uint8Array) out.push(e[0], Buffer.from(v.buffer, v.byteOffset, v.byteLength))
    else throw new TypeError(`record.headers['${e[0]}'] must be a Buffer, a string or null`)
  }
  if (out.length > 2 * MAX_HEADERS) throw new TypeError(`record.headers may hold at most ${MAX_HEADERS} headers`)
  return out.length === 0 ? null : out
}
