// The producer's public record and result types.
import type { KafkaError } from '../errors.js'

export type Bytes = Buffer | string | null

/** What the built-in 'json' serializer takes: a value JSON.stringify writes as is. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined }

/**
 * A plain object of name -> value, a Map, or [name, value] pairs (which may repeat a name).
 * Values are Buffers (or Uint8Arrays), strings, or null.
 */
export type RecordHeaders =
  | Record<string, Buffer | Uint8Array | string | null>
  | ReadonlyMap<string, Buffer | Uint8Array | string | null>
  | ReadonlyArray<readonly [string, Buffer | Uint8Array | string | null]>

export interface ProducerRecord<K = Bytes, V = Bytes> {
  topic: string
  key?: K | null
  value: V | null
  /** Explicit partition; omitted = chosen by the partitioner from the key. */
  partition?: number
  headers?: RecordHeaders
  /** Milliseconds since the epoch (1 or more), or a Date; omitted = time of send. */
  timestamp?: number | Date
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 when the broker acknowledged without an offset (e.g. DUPLICATE_SEQUENCE_NUMBER). */
  offset: number
  /** The record's timestamp as librdkafka reports it (-1 if unknown). */
  timestamp: number
}

export type SendCallback = (err: KafkaError | null, metadata?: RecordMetadata) => void
