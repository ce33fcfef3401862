// The stage: records accepted but not yet handed to librdkafka, as rows of numbers in a
// Float64Array and their bytes copied one after the other into one arena Buffer (key, value,
// then each header's name and value). One produce() call hands a whole stage to librdkafka:
// one crossing into C++ per batch instead of per record (bench/RESULTS.md). Copying at stage
// time is also what captures the caller's bytes at the call.
import type { Columns, NativeProducer } from '../core/native.js'
import { MAX_HEADERS, type EncodedRecord } from './encode.js'
import type { Bytes } from './types.js'

/** The row format, as the addon exports it (Producer.ROW_COLUMNS). */
export type RowColumns = Columns<'topic' | 'partition' | 'timestamp' | 'id' | 'keyLen' | 'valueLen' | 'headerCount' | 'headerAt' | 'error'>
/** Records per produce() call. */
export const STAGE_ROWS = 512
const ARENA_BYTES = 1024 * 1024
const HEADER_LENS = 2 * MAX_HEADERS
/** Strings up to this length are tried as ASCII by put()'s own loop before Buffer.write. */
const ASCII_LOOP_MAX = 64

type Native = Pick<NativeProducer, 'produce'>

export class Stage {
  readonly #rows: Float64Array
  readonly #headerLens = new Float64Array(HEADER_LENS)
  readonly #defaultArena = Buffer.allocUnsafeSlow(ARENA_BYTES)
  #arena = this.#defaultArena
  #at = 0
  #n = 0
  #hAt = 0

  constructor(private readonly row: RowColumns) {
    this.#rows = new Float64Array(STAGE_ROWS * row.stride)
  }

  get size(): number {
    return this.#n
  }

  /** Whether the record fits beside what is staged (a record bigger than the arena fits an empty stage). */
  fits(enc: EncodedRecord): boolean {
    if (this.#n === 0) return true
    const headerLens = enc.headers === null ? 0 : enc.headers.length
    return this.#n < STAGE_ROWS && this.#at + enc.bound <= this.#arena.length && this.#hAt + headerLens <= HEADER_LENS
  }

  /** Stages the record as slot `id` (fits() must hold). */
  put(id: number, topic: number, enc: EncodedRecord): void {
    if (this.#n === 0) {
      // One record larger than the arena: a stage of its own, in an arena of its size.
      if (enc.bound > ARENA_BYTES) this.#arena = Buffer.allocUnsafeSlow(enc.bound)
    }
    const ROW = this.row
    const o = this.#n++ * ROW.stride
    const rows = this.#rows
    rows[o + ROW.topic] = topic
    rows[o + ROW.partition] = enc.partition
    rows[o + ROW.timestamp] = enc.timestamp
    rows[o + ROW.id] = id
    rows[o + ROW.keyLen] = this.#put(enc.key)
    rows[o + ROW.valueLen] = this.#put(enc.value)
    const h = enc.headers
    if (h === null) {
      rows[o + ROW.headerCount] = 0
      rows[o + ROW.headerAt] = 0
    } else {
      rows[o + ROW.headerCount] = h.length / 2
      rows[o + ROW.headerAt] = this.#hAt
      for (let i = 0; i < h.length; i++) this.#headerLens[this.#hAt++] = this.#put(h[i]!)
    }
  }

  /** Copies bytes to the arena's end; their length, or -1 for null. */
  #put(p: Bytes): number {
    if (p === null) return -1
    const arena = this.#arena
    const at = this.#at
    let n: number
    if (typeof p === 'string') {
      // Short ASCII strings (most keys) are copied by this loop: Buffer.write's call into
      // C++ costs more than the copy (bench/RESULTS.md). Anything else is encoded by it,
      // over whatever the loop had written.
      const len = p.length
      if (len <= ASCII_LOOP_MAX) {
        let i = 0
        for (; i < len; i++) {
          const c = p.charCodeAt(i)
          if (c > 0x7f) break
          arena[at + i] = c
        }
        if (i === len) {
          this.#at = at + len
          return len
        }
      }
      n = arena.write(p, at)
    } else {
      arena.set(p, at)
      n = p.length
    }
    this.#at = at + n
    return n
  }

  /**
   * Hands the stage to librdkafka in one call. `failed` hears of each record librdkafka
   * refused with an error; `refused` gets, in order, each record it did not take because its
   * queue was full (and all after it), with copies of its bytes (the arena is reused).
   */
  handOver(
    native: Native,
    failed: (id: number, errno: number) => void,
    refused: (id: number, enc: EncodedRecord) => void,
  ): void {
    const n = this.#n
    if (n === 0) return
    const ROW = this.row
    const rows = this.#rows
    const arena = this.#arena
    this.#n = 0
    this.#at = 0
    this.#hAt = 0
    this.#arena = this.#defaultArena
    const handled = native.produce(rows, n, arena, this.#headerLens)
    let at = 0 // arena offset of row i's bytes
    const take = (len: number): Buffer | null => {
      if (len < 0) return null
      const b = Buffer.from(arena.subarray(at, at + len))
      at += len
      return b
    }
    for (let i = 0, o = 0; i < n; i++, o += ROW.stride) {
      const keyLen = rows[o + ROW.keyLen]!
      const valueLen = rows[o + ROW.valueLen]!
      const headerCount = rows[o + ROW.headerCount]!
      const headerAt = rows[o + ROW.headerAt]!
      if (i < handled) {
        at += Math.max(0, keyLen) + Math.max(0, valueLen)
        for (let k = 0; k < headerCount * 2; k++) at += Math.max(0, this.#headerLens[headerAt + k]!)
        const err = rows[o + ROW.error]!
        if (err !== 0) failed(rows[o + ROW.id]!, err)
        continue
      }
      const key = take(keyLen)
      const value = take(valueLen)
      let headers: Array<Buffer | null> | null = null
      if (headerCount > 0) {
        headers = []
        for (let k = 0; k < headerCount * 2; k++) headers.push(take(this.#headerLens[headerAt + k]!))
      }
      const bound = (key?.length ?? 0) + (value?.length ?? 0) + (headers?.reduce((sum, h) => sum + (h?.length ?? 0), 0) ?? 0)
      refused(rows[o + ROW.id]!, {
        record: undefined,
        topic: '',
        partition: rows[o + ROW.partition]!,
        timestamp: rows[o + ROW.timestamp]!,
        key,
        value,
        headers,
        bound,
        size: bound,
      })
    }
  }
}
