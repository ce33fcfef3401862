// Settlement: the one place a send's outcome reaches the caller, exactly once, by the way it
// was sent: a promise, a callback, a batch's promise, or (fire-and-forget) a 'delivery-error'
// event. Every call into user code is guarded. A fire-and-forget failure nobody listens for
// goes to the logger, else to stderr, summed up once per event-loop turn.
import type { ClientEvents } from '../core/client.js'
import { rethrowLater } from '../core/guard.js'
import type { KafkaError } from '../errors.js'
import { Kind, type SlotTable } from './slots.js'
import type { RecordMetadata, SendCallback } from './types.js'

export interface Batch {
  results: RecordMetadata[]
  left: number
  error: KafkaError | undefined
  errorIndex: number
  resolve: (mds: RecordMetadata[]) => void
  reject: (err: KafkaError) => void
}

export class Settler {
  #unobserved = 0
  #firstUnobserved: KafkaError | undefined

  constructor(
    private readonly slots: SlotTable,
    private readonly events: ClientEvents,
  ) {}

  /** Settles the send in slot `id` and frees the slot. */
  settle(id: number, err: KafkaError | null, md: RecordMetadata | undefined): void {
    const s = this.slots
    const kind = s.kind[id]!
    const a = s.a[id]
    const b = s.b[id]
    s.release(id)
    this.deliver(kind, a, b, err, md)
  }

  /** Settles a send whose failure is known inside the call that made it: never synchronously. */
  settleLater(id: number, err: KafkaError): void {
    const s = this.slots
    const kind = s.kind[id]!
    const a = s.a[id]
    const b = s.b[id]
    s.release(id)
    process.nextTick(() => this.deliver(kind, a, b, err, undefined))
  }

  deliver(kind: Kind, a: unknown, b: unknown, err: KafkaError | null, md: RecordMetadata | undefined): void {
    switch (kind) {
      case Kind.Promise:
        if (err) (b as (e: KafkaError) => void)(err)
        else (a as (md: RecordMetadata) => void)(md!)
        return
      case Kind.Callback:
        try {
          ;(a as SendCallback)(err, md)
        } catch (e) {
          rethrowLater(e)
        }
        return
      case Kind.Fire:
        if (err) this.#fireFailed(err)
        return
      case Kind.Batch: {
        const batch = a as Batch
        const i = b as number
        if (err) {
          if (i < batch.errorIndex) {
            batch.error = err
            batch.errorIndex = i
          }
        } else batch.results[i] = md!
        if (--batch.left === 0) {
          if (batch.error) batch.reject(batch.error)
          else batch.resolve(batch.results)
        }
      }
    }
  }

  #fireFailed(err: KafkaError): void {
    const ev = this.events
    if (ev.listens('delivery-error')) return ev.emit('delivery-error', err)
    if (ev.logger.log('error', `ironkafka: delivery failed: ${err.code}: ${err.message}`)) return
    if (this.#unobserved++ === 0) {
      this.#firstUnobserved = err
      setImmediate(() => {
        const first = this.#firstUnobserved!
        process.stderr.write(
          `ironkafka: ${this.#unobserved} record(s) failed with no 'delivery-error' listener and no logger; the first: ${first.code}: ${first.message}\n`,
        )
        this.#unobserved = 0
        this.#firstUnobserved = undefined
      })
    }
  }
}
