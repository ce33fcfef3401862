// The oracle every reliability test uses. Each record carries (run id, global send index);
// records are sent in index order, so within a partition the index must strictly increase in
// the log. After the run an independent reader (kcat) reads every partition and check() holds
// the producer's outcomes against the log:
//   - every send got exactly one outcome;
//   - every send that resolved appears exactly once, at the partition and offset it was told;
//   - no record appears twice (no duplicates at all);
//   - per partition, the send index strictly increases (order kept);
//   - nothing unexpected: every record of this run in the log is one that resolved, or failed
//     as possibly-persisted / persisted (never one that failed as not-persisted).
import { randomBytes } from 'node:crypto'
import assert from 'node:assert/strict'
import { readTopic } from './kcat.mjs'

export class Oracle {
  constructor(topic) {
    this.topic = topic
    this.run = randomBytes(4).toString('hex')
    /** index -> { n: outcomes seen, ok, partition, offset, error } */
    this.outcomes = []
    this.sent = 0
  }

  /** The next record to send (value `${run}:${index}`), and the callback to settle it with. */
  next(key) {
    const i = this.sent++
    const entry = { n: 0 }
    this.outcomes[i] = entry
    const record = { topic: this.topic, key, value: `${this.run}:${i}` }
    const settle = (err, md) => {
      entry.n++
      if (err) entry.error = err
      else {
        entry.ok = true
        entry.partition = md.partition
        entry.offset = md.offset
      }
    }
    return { record, settle, index: i }
  }

  get settled() {
    return this.outcomes.reduce((a, e) => a + (e.n > 0 ? 1 : 0), 0)
  }

  get delivered() {
    return this.outcomes.filter((e) => e.ok).length
  }

  /** Reads this run's records from the log (kcat), grouped by partition in offset order. */
  async read(bootstrap) {
    const log = (await readTopic(bootstrap, this.topic, { timeoutMs: 120_000 })).filter((m) => m.payload?.startsWith(`${this.run}:`))
    const byPartition = new Map()
    for (const m of log) {
      m.index = Number(m.payload.slice(this.run.length + 1))
      if (!byPartition.has(m.partition)) byPartition.set(m.partition, [])
      byPartition.get(m.partition).push(m)
    }
    for (const msgs of byPartition.values()) msgs.sort((a, b) => a.offset - b.offset)
    return byPartition
  }

  /** How many records of this run appear more than once in the log. */
  async duplicates(bootstrap) {
    const count = new Map()
    for (const msgs of (await this.read(bootstrap)).values()) for (const m of msgs) count.set(m.index, (count.get(m.index) ?? 0) + 1)
    let dups = 0
    for (const n of count.values()) if (n > 1) dups += n - 1
    return dups
  }

  /** Reads the topic with kcat and asserts the invariants; returns the counts. */
  /**
   * allowAbsentAcked: resolved sends may be missing from the log (returned as absentAcked);
   * only for the mock's injected DUPLICATE_SEQUENCE_NUMBER, which claims records it never had.
   */
  async check(bootstrap, { allowFailures = true, allowAbsentAcked = false } = {}) {
    const absentAcked = []
    const seen = new Map()
    for (const [p, msgs] of await this.read(bootstrap)) {
      let last = -1
      for (const m of msgs) {
        const i = m.index
        assert.ok(Number.isInteger(i) && i >= 0 && i < this.sent, `unexpected record ${m.payload}`)
        assert.ok(!seen.has(i), `record ${i} appears twice (offsets ${seen.get(i)?.offset} and ${m.offset}, partition ${p})`)
        seen.set(i, m)
        assert.ok(i > last, `partition ${p}: record ${i} at offset ${m.offset} after record ${last}: order broken`)
        last = i
      }
    }
    let failed = 0
    let failedInLog = 0 // failed as possibly-persisted (or persisted) and indeed written
    for (let i = 0; i < this.sent; i++) {
      const e = this.outcomes[i]
      assert.equal(e.n, 1, `send ${i} got ${e.n} outcomes`)
      const m = seen.get(i)
      if (e.ok) {
        if (allowAbsentAcked && !m) {
          absentAcked.push(i)
          continue
        }
        assert.ok(m, `send ${i} resolved (partition ${e.partition}, offset ${e.offset}) but is not in the log`)
        assert.equal(m.partition, e.partition, `send ${i}: partition`)
        if (e.offset >= 0) assert.equal(m.offset, e.offset, `send ${i}: offset`)
      } else {
        failed++
        if (m) failedInLog++
        if (e.error.persisted === 'not-persisted') assert.ok(!m, `send ${i} failed as not-persisted (${e.error.code}) but is in the log`)
      }
    }
    if (!allowFailures) assert.equal(failed, 0, `${failed} sends failed: ${[...new Set(this.outcomes.filter((e) => e.error).map((e) => e.error.code))]}`)
    return { sent: this.sent, delivered: this.delivered, failed, failedInLog, inLog: seen.size, absentAcked }
  }
}
