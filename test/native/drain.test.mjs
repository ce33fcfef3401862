// The native drain contract: drain(max, events) hands over at most `max` rows + events, and
// every delivery report reaches JS exactly once however the budget falls between reports and
// other events (logs, errors). A report lost here is a send that never settles: flush() and
// close() would wait for it forever.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import path from 'node:path'
import { MockCluster } from 'ironkafka'
import { root } from '../helpers/paths.mjs'
import { waitFor } from '../helpers/cluster.mjs'

const { addon } = createRequire(import.meta.url)(path.join(root, 'dist', 'core', 'native.js'))
const STRIDE = addon.Producer.REPORT_COLUMNS.stride
const ROW = addon.Producer.ROW_COLUMNS
const noHeaders = new Float64Array(0)

test('tiny drain budgets with log events interleaved: every delivery report arrives once', { timeout: 120_000 }, async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.createTopic('d', { partitions: 4 })
  const report = new Float64Array(8 * STRIDE)
  // Debug logs put a log event between most delivery reports; batches of 3 make many reports.
  const config = ['bootstrap.servers', cluster.bootstrapServers, 'log.queue', 'true', 'debug', 'msg', 'linger.ms', '0', 'batch.num.messages', '3']
  const native = new addon.Producer(config, report)
  const N = 20_000
  const seen = new Uint8Array(N)
  let rowsTotal = 0
  let eventsTotal = 0
  let calls = 0
  const drainAll = () => {
    for (;;) {
      const max = 1 + (calls++ % 5) // budgets of 1..5 land on every boundary
      const events = []
      const rows = native.drain(max, events)
      assert.ok(rows + events.length <= max, `drain(${max}) returned ${rows} rows and ${events.length} events`)
      for (let i = 0; i < rows; i++) {
        const id = report[i * STRIDE]
        assert.equal(report[i * STRIDE + 4], 0, `report ${id} failed`)
        seen[id]++
        rowsTotal++
      }
      eventsTotal += events.length
      if (rows + events.length < max) return // the queue is empty: the next wake-up comes
    }
  }
  native.onwake = drainAll
  native.ref()
  t.after(async () => {
    native.unref()
    await native.close()
  })
  const topic = native.topic('d')
  const rows = new Float64Array(ROW.stride)
  const arena = Buffer.alloc(16)
  for (let id = 0; id < N; id++) {
    const value = `v${id}`
    arena.write(value)
    rows.set([topic, -1, 0, id, -1, value.length, 0, 0, 99]) // partition unassigned, timestamp now
    assert.equal(native.produce(rows, 1, arena, noHeaders), 1)
    assert.equal(rows[ROW.error], 0)
  }
  drainAll()
  await waitFor(() => rowsTotal >= N && native.outqLen() === 0, { timeoutMs: 60_000, what: `${N} reports (got ${rowsTotal})` }).catch((e) => {
    throw new Error(`${e.message}; librdkafka still holds ${native.outqLen()}, ${seen.filter((n) => n === 0).length} reports never arrived`)
  })
  assert.ok(eventsTotal > 0, 'no log events were interleaved: the test did not exercise the boundary')
  assert.equal(rowsTotal, N)
  assert.ok(seen.every((n) => n === 1), 'a report arrived twice or not at all')
})

test('produce: rows whose lengths leave the arena, or more rows than given, are refused before anything is queued', async () => {
  const report = new Float64Array(8 * STRIDE)
  const native = new addon.Producer(['bootstrap.servers', '127.0.0.1:1', 'log_level', '0'], report)
  const t = native.topic('bounds')
  const S = ROW.stride
  const rows = new Float64Array(2 * S)
  const arena = Buffer.alloc(16)
  const headerLens = new Float64Array([3, 2])
  const row = (i, keyLen, valueLen, headerCount = 0) => rows.set([t, -1, 0, i, keyLen, valueLen, headerCount, 0, 99], i * S)
  const produceMany = (r, n, a) => native.produce(r, n, a, headerLens)
  row(0, 4, 4)
  row(1, 4, 9) // 8 + 13 bytes > 16
  assert.throws(() => produceMany(rows, 2, arena), RangeError)
  assert.deepEqual([rows[ROW.error], rows[S + ROW.error]], [99, 99], 'no row was produced')
  assert.throws(() => produceMany(rows, 3, arena), RangeError)
  assert.throws(() => produceMany(rows, 1, 'not a buffer'), TypeError)
  row(1, 4, 2, 1) // 4 + 2 + a header of 3 + 2: 11 bytes, with row 0's 8, > 16
  assert.throws(() => produceMany(rows, 2, arena), RangeError)
  rows[0] = 5 // no such topic index
  assert.throws(() => produceMany(rows, 1, arena), RangeError)
  rows[0] = t
  row(1, -1, 8) // null key, 8-byte value: fits
  assert.equal(produceMany(rows, 2, arena), 2)
  assert.deepEqual([rows[ROW.error], rows[S + ROW.error]], [0, 0])
  // Exactly those two reached librdkafka: purged, they come back as the only reports.
  native.purge(3)
  const ids = []
  await waitFor(() => {
    const n = native.drain(8, [])
    for (let i = 0; i < n; i++) ids.push(report[i * STRIDE])
    return ids.length >= 2
  }, { what: 'the purged reports' })
  await new Promise((r) => setTimeout(r, 100))
  ids.push(...Array.from({ length: native.drain(8, []) }, (_, i) => report[i * STRIDE]))
  assert.deepEqual(ids.sort(), [0, 1])
  await native.close()
})
