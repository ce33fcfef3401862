// The producer's parts on their own, without the addon: record encoding, the slot table, the
// stage against a fake native produce(), and the wait queue.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const dist = (m) => require(path.join(root, 'dist', 'producer', m))
const { RecordEncoder, wireSize, captured, RECORD_FRAMING_BYTES } = dist('encode.js')
const { SlotTable } = dist('slots.js')
const { Stage } = dist('stage.js')
const { WaitQueue } = dist('wait-queue.js')

test('none of these parts loads the native addon', () => {
  const loaded = Object.keys(require.cache)
  assert.deepEqual(loaded.filter((f) => f.endsWith('.node') || f.endsWith(path.join('core', 'native.js'))), [])
})

const refusals = []
const encoder = (limits = {}) =>
  new RecordEncoder(undefined, undefined, {
    refuse: (code, message) => {
      refusals.push(code)
      return Object.assign(new Error(message), { code })
    },
    maxMessageBytes: 1000,
    maxMessageBytesName: 'max.request.size',
    bufferBytes: 1 << 20,
    bufferBytesName: 'buffer.memory',
    ...limits,
  })

test('encode captures the record: later changes to the object change nothing', () => {
  const record = { topic: 't', key: 'k', value: 'v', partition: 2, timestamp: new Date(5), headers: { a: 'x' } }
  const enc = encoder().encode(record)
  record.topic = 'other'
  record.headers.a = 'changed'
  assert.deepEqual([enc.topic, enc.key, enc.value, enc.partition, enc.timestamp, enc.headers], ['t', 'k', 'v', 2, 5, ['a', 'x']])
})

test('encode: headers from an object, a Map or pairs; a Set, a class instance or bad values are TypeErrors', () => {
  const e = encoder()
  const b = Buffer.from([1])
  assert.deepEqual(e.encode({ topic: 't', value: null, headers: new Map([['a', b], ['n', null]]) }).headers, ['a', b, 'n', null])
  assert.deepEqual(e.encode({ topic: 't', value: null, headers: [['a', 'x'], ['a', 'y']] }).headers, ['a', 'x', 'a', 'y'])
  assert.equal(e.encode({ topic: 't', value: null, headers: {} }).headers, null)
  for (const headers of [new Set(), new Date(), { a: 5 }, [['a']], 'h']) {
    assert.throws(() => e.encode({ topic: 't', value: null, headers }), TypeError)
  }
})

test("encode: the size check is librdkafka's (framing and header varints), and a record too big for the buffer is refused", () => {
  const e = encoder()
  const enc = e.encode({ topic: 't', key: 'kk', value: 'x'.repeat(100), headers: { h: 'v'.repeat(70) } })
  // key 2 + value 100 + header: name 1 + value 70 + varint(1) 1 + varint(70 -> 140) 2
  assert.equal(wireSize(enc), RECORD_FRAMING_BYTES + 2 + 100 + 1 + 70 + 1 + 2)
  refusals.length = 0
  assert.throws(() => e.encode({ topic: 't', value: 'x'.repeat(1000 - RECORD_FRAMING_BYTES + 1) }))
  e.encode({ topic: 't', value: 'x'.repeat(1000 - RECORD_FRAMING_BYTES) })
  assert.throws(() => encoder({ maxMessageBytes: 1 << 20, bufferBytes: 600 }).encode({ topic: 't', value: 'x'.repeat(100) }))
  assert.deepEqual(refusals, ['MSG_SIZE_TOO_LARGE', 'MSG_SIZE_TOO_LARGE'])
})

test('captured() copies Buffers, so the caller may reuse them', () => {
  const buf = Buffer.from('abc')
  const enc = captured(encoder().encode({ topic: 't', value: buf, headers: [['h', buf]] }))
  buf.fill('z')
  assert.equal(enc.value.toString(), 'abc')
  assert.equal(enc.headers[1].toString(), 'abc')
})

test('slot table: ids are reused, and the budget counts only what was handed to librdkafka', () => {
  const s = new SlotTable(2, 1000)
  const a = s.take(0, 'resolve', 'reject', {}, 0, 400)
  const b = s.take(0, 'resolve', 'reject', {}, 0, 400)
  assert.equal(s.used, 2)
  assert.ok(s.fits(400))
  s.markQueued(a)
  s.markQueued(b)
  assert.equal(s.queued, 2)
  assert.equal(s.fits(100), false, 'queue.buffering.max.messages reached')
  s.markWaiting(b)
  assert.equal(s.fits(700), false, 'bytes: 400 + 700 > 1000')
  assert.ok(s.fits(600))
  s.release(a)
  assert.equal(s.queued, 0)
  assert.equal(s.take(0, 1, 2, {}, 0, 1), a, 'a freed id is taken again')
  assert.equal(s.a[a], 1)
  assert.deepEqual([...s.usedIds()].sort(), [a, b].sort())
  s.release(a)
  s.release(a) // twice: no effect
  assert.equal(s.used, 1)
})

const ROW = { topic: 0, partition: 1, timestamp: 2, id: 3, keyLen: 4, valueLen: 5, headerCount: 6, headerAt: 7, error: 8, stride: 9 }

/** A fake native produce(): decodes rows as the addon does; takes `room` records, fails ids in `fail`. */
function fakeNative(room, fail = new Set()) {
  const got = []
  return {
    got,
    produce(rows, n, arena, headerLens) {
      let at = 0
      const bytes = (len) => {
        if (len < 0) return null
        const s = arena.subarray(at, at + len).toString()
        at += len
        return s
      }
      let i = 0
      for (; i < n && got.length < room; i++) {
        const o = i * ROW.stride
        const rec = { id: rows[o + ROW.id], key: bytes(rows[o + ROW.keyLen]), value: bytes(rows[o + ROW.valueLen]), headers: [] }
        for (let h = 0; h < rows[o + ROW.headerCount] * 2; h++) rec.headers.push(bytes(headerLens[rows[o + ROW.headerAt] + h]))
        got.push(rec)
        rows[o + ROW.error] = fail.has(rec.id) ? 5 : 0
      }
      return i
    },
  }
}

test('stage: one produce() call for the batch; bytes and headers arrive as staged; refused records come back in order with copies', () => {
  const stage = new Stage(ROW)
  const e = encoder()
  const value = Buffer.from('v0')
  stage.put(10, 0, e.encode({ topic: 't', key: 'k0', value }))
  value.write('XX') // staging copied the bytes
  stage.put(11, 0, e.encode({ topic: 't', key: null, value: 'v1', headers: { h: 'x' } }))
  stage.put(12, 0, e.encode({ topic: 't', key: 'k2', value: 'v2', headers: [['a', '1'], ['b', null]] }))
  assert.equal(stage.size, 3)
  const native = fakeNative(2, new Set([11]))
  const failed = []
  const refused = []
  stage.handOver(native, (id, errno) => failed.push([id, errno]), (id, enc) => refused.push([id, enc]))
  assert.equal(stage.size, 0)
  assert.deepEqual(native.got, [
    { id: 10, key: 'k0', value: 'v0', headers: [] },
    { id: 11, key: null, value: 'v1', headers: ['h', 'x'] },
  ])
  assert.deepEqual(failed, [[11, 5]])
  assert.equal(refused.length, 1)
  const [id, enc] = refused[0]
  assert.equal(id, 12)
  assert.deepEqual([enc.key.toString(), enc.value.toString(), enc.headers.map((h) => h?.toString() ?? null)], ['k2', 'v2', ['a', '1', 'b', null]])
})

test('stage: a record larger than the arena gets a stage of its own', () => {
  const stage = new Stage(ROW)
  const e = encoder({ maxMessageBytes: 4 << 20, bufferBytes: 8 << 20 })
  const small = e.encode({ topic: 't', value: 'a' })
  const big = e.encode({ topic: 't', value: Buffer.alloc(2 << 20, 'b') })
  stage.put(1, 0, small)
  assert.equal(stage.fits(big), false)
  const native = fakeNative(10)
  stage.handOver(native, () => assert.fail(), () => assert.fail())
  assert.ok(stage.fits(big))
  stage.put(2, 0, big)
  stage.handOver(native, () => assert.fail(), () => assert.fail())
  assert.equal(native.got[1].value.length, 2 << 20)
})

test('wait queue: FIFO, prepend goes to the head, failWhile stops at the first that does not match, expiry fires', async () => {
  let expired = 0
  const q = new WaitQueue(() => expired++)
  const rec = (v) => ({ value: v })
  q.push(1, rec('a'), Date.now() + 20)
  q.push(2, rec('b'), Date.now() + 60_000)
  q.prepend([7, 8], [rec('x'), rec('y')], Date.now() + 60_000)
  assert.deepEqual([q.length, q.headId()], [4, 7])
  const failed = []
  assert.equal(q.failWhile((d) => d > Date.now() + 1000, (id) => failed.push(id)), true)
  assert.deepEqual(failed, [7, 8])
  assert.equal(q.headId(), 1)
  await new Promise((r) => setTimeout(r, 60))
  assert.equal(expired, 1, 'the head deadline passed')
  q.shift()
  q.shift()
  assert.equal(q.length, 0)
})

test('encode into a reused record: a serializer that encodes another record meanwhile does not disturb it', () => {
  const { emptyRecord } = dist('encode.js')
  const scratch = emptyRecord()
  let inner
  let reentered = false
  const e = new RecordEncoder(undefined, (v) => {
    if (!reentered) {
      reentered = true
      inner = e.encode({ topic: 'inner', value: 'i' }, scratch) // as a serializer that sends would
    }
    return String(v)
  }, { refuse: () => new Error('refused'), maxMessageBytes: 1000, maxMessageBytesName: 'm', bufferBytes: 1 << 20, bufferBytesName: 'b' })
  const outer = e.encode({ topic: 'outer', value: 42 }, scratch)
  assert.equal(inner, outer, 'the same object')
  assert.deepEqual([outer.topic, outer.value], ['outer', '42'])
})
