// The slot table: every accepted send, from the call to its settlement, is one slot, and the
// slot id is its only identity (librdkafka's opaque for the record is the id). A slot is a
// row across parallel arrays; free ids are reused, so a send allocates no object of its own.
//
// The table also keeps the budget of what is in librdkafka (queue.buffering.max.messages and
// buffer.memory): a slot counts against it from the moment it is staged for librdkafka until
// its report arrives; a waiting slot does not.

/** How a send reports its outcome. */
export const enum Kind {
  Promise,
  Callback,
  Fire,
  Batch,
}

const FREE = 0
const WAITING = 1
const QUEUED = 2

export class SlotTable {
  /** Promise: resolve. Callback: the callback. Batch: the batch. */
  readonly a: unknown[] = []
  /** Promise: reject. Batch: the index in the batch. */
  readonly b: unknown[] = []
  readonly kind: Kind[] = []
  /** The caller's record, for error reports. */
  readonly record: unknown[] = []
  /** Index into the producer's topic names. */
  readonly topic: number[] = []
  /** Bytes counted against buffer.memory (key, value, headers + the per-record overhead). */
  readonly cost: number[] = []
  #state = new Uint8Array(1024)
  #free = new Int32Array(1024)
  #freeTop = 0
  #used = 0
  #queued = 0
  #queuedBytes = 0

  constructor(
    /** queue.buffering.max.messages (librdkafka's own limit). */
    readonly maxQueued: number,
    /** buffer.memory in bytes. */
    readonly maxQueuedBytes: number,
  ) {}

  /** Sends accepted and not yet settled. */
  get used(): number {
    return this.#used
  }

  /** Sends in librdkafka (or staged for it). */
  get queued(): number {
    return this.#queued
  }

  /** Whether a send of `cost` bytes may go to librdkafka now. */
  fits(cost: number): boolean {
    return this.#queued < this.maxQueued && this.#queuedBytes + cost <= this.maxQueuedBytes
  }

  take(kind: Kind, a: unknown, b: unknown, record: unknown, topic: number, cost: number): number {
    let id: number
    if (this.#freeTop > 0) {
      id = this.#free[--this.#freeTop]!
      this.kind[id] = kind
      this.a[id] = a
      this.b[id] = b
      this.record[id] = record
      this.topic[id] = topic
      this.cost[id] = cost
    } else {
      id = this.kind.length
      this.kind.push(kind)
      this.a.push(a)
      this.b.push(b)
      this.record.push(record)
      this.topic.push(topic)
      this.cost.push(cost)
      if (id >= this.#state.length) {
        const grown = new Uint8Array(this.#state.length * 2)
        grown.set(this.#state)
        this.#state = grown
      }
    }
    this.#state[id] = WAITING
    this.#used++
    return id
  }

  /** The slot's send is staged for librdkafka: it counts against the budget from now on. */
  markQueued(id: number): void {
    if (this.#state[id] !== WAITING) return
    this.#state[id] = QUEUED
    this.#queued++
    this.#queuedBytes += this.cost[id]!
  }

  /** Staged, but librdkafka did not take it (its queue was full): it waits again. */
  markWaiting(id: number): void {
    if (this.#state[id] !== QUEUED) return
    this.#state[id] = WAITING
    this.#queued--
    this.#queuedBytes -= this.cost[id]!
  }

  isUsed(id: number): boolean {
    return this.#state[id] !== FREE && this.#state[id] !== undefined
  }

  /** Frees the slot for reuse (read what is needed from it first). */
  release(id: number): void {
    const state = this.#state[id]
    if (state === FREE || state === undefined) return
    if (state === QUEUED) {
      this.#queued--
      this.#queuedBytes -= this.cost[id]!
    }
    this.#state[id] = FREE
    this.a[id] = undefined
    this.b[id] = undefined
    this.record[id] = undefined
    if (this.#freeTop === this.#free.length) {
      const grown = new Int32Array(this.#free.length * 2)
      grown.set(this.#free)
      this.#free = grown
    }
    this.#free[this.#freeTop++] = id
    this.#used--
  }

  /** Every used slot id (for the final settlement at close). */
  *usedIds(): Generator<number> {
    for (let id = 0; id < this.kind.length; id++) if (this.isUsed(id)) yield id
  }
}
