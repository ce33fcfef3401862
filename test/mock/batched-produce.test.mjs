// The batched produce path (lib/producer.ts "Produce path"): header-less records are staged
// and handed to librdkafka in one call per batch; records with headers, or too big to stage,
// go one by one. Whatever path each record takes, call order, per-record failures and
// close() must behave exactly as if every record were produced on its own.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, KafkaError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

test('staged, header-carrying and large records interleaved: the log holds them in call order', async (t) => {
  const cluster = await startCluster(t, { topics: { mix: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 })
  const big = 'x'.repeat(40_000) // above the stage's size bound
  const sends = []
  for (let i = 0; i < 3000; i++) {
    const record = { topic: 'mix', key: i % 7 === 0 ? Buffer.from(`k${i}`) : `k${i}`, value: i % 501 === 0 ? `m${i}:${big}` : `m${i}` }
    if (i % 13 === 0) record.headers = { i: String(i) }
    sends.push(producer.send(record))
  }
  const mds = await Promise.all(sends)
  await producer.close()
  for (let i = 1; i < mds.length; i++) assert.equal(mds[i].offset, mds[i - 1].offset + 1, `offset of send ${i}`)
  const log = await readTopic(cluster.bootstrapServers, 'mix')
  assert.deepEqual(log.map((m) => m.payload.split(':')[0]), Array.from({ length: 3000 }, (_, i) => `m${i}`))
  assert.deepEqual(log.map((m) => m.key), Array.from({ length: 3000 }, (_, i) => `k${i}`))
  assert.equal(log[0].payload.length, 'm0:'.length + big.length)
})

test('a record librdkafka refuses inside a batch fails alone; the others are delivered', async (t) => {
  const cluster = await startCluster(t, { topics: { two: { partitions: 2 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  await producer.send({ topic: 'two', value: 'warm' }) // partition count known
  const outcomes = []
  for (let i = 0; i < 100; i++) {
    const record = { topic: 'two', partition: i === 50 ? 7 : i % 2, value: `v${i}` }
    producer.send(record, (err, md) => outcomes.push({ i, err, md }))
  }
  await producer.flush()
  await producer.close()
  assert.equal(outcomes.length, 100)
  const failed = outcomes.filter((o) => o.err)
  assert.equal(failed.length, 1)
  assert.equal(failed[0].i, 50)
  assert.ok(failed[0].err instanceof KafkaError)
  assert.equal(failed[0].err.code, '_UNKNOWN_PARTITION')
  assert.equal(failed[0].err.persisted, 'not-persisted')
  const log = (await readTopic(cluster.bootstrapServers, 'two')).filter((m) => m.payload !== 'warm')
  assert.deepEqual(log.map((m) => m.payload).sort(), outcomes.filter((o) => !o.err).map((o) => `v${o.i}`).sort())
})

test('close() right after sending hands the staged records over: all delivered, none settled twice', async (t) => {
  const cluster = await startCluster(t, { topics: { cl: { partitions: 3 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const settled = new Array(700).fill(0)
  for (let i = 0; i < 700; i++) producer.send({ topic: 'cl', key: `k${i}`, value: `v${i}` }, (err) => { settled[i]++; assert.ifError(err) })
  assert.equal(producer.pending, 700)
  await producer.close() // in the same tick: the last 188 are still staged
  assert.ok(settled.every((n) => n === 1))
  assert.equal((await readTopic(cluster.bootstrapServers, 'cl')).length, 700)
})

test('staged records carry their timestamps: explicit ones as given, the others the time of send', async (t) => {
  const cluster = await startCluster(t, { topics: { tss: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const before = Date.now()
  const sends = []
  for (let i = 0; i < 20; i++) {
    const timestamp = i % 2 ? 1_600_000_000_000 + i : i % 4 === 0 ? new Date(1_500_000_000_000 + i) : undefined
    sends.push(producer.send({ topic: 'tss', key: `k${i}`, value: `v${i}`, timestamp }))
  }
  await Promise.all(sends)
  await producer.close()
  const after = Date.now()
  const log = await readTopic(cluster.bootstrapServers, 'tss')
  assert.equal(log.length, 20)
  for (const [i, m] of log.entries()) {
    if (i % 2) assert.equal(m.ts, 1_600_000_000_000 + i)
    else if (i % 4 === 0) assert.equal(m.ts, 1_500_000_000_000 + i)
    else assert.ok(m.ts >= before && m.ts <= after, `record ${i}: ${m.ts} not within the send`)
  }
})

test('string keys and values are staged as UTF-8, byte for byte, on the ASCII loop and off it', async (t) => {
  // #put copies short ASCII strings itself and hands anything else to Buffer.write: each
  // string below sits on one side of that line (length 64/65, a non-ASCII character first,
  // in the middle, last within the loop's range, surrogate pairs, a lone surrogate).
  const strings = ['', 'a', 'key-1', 'x'.repeat(64), 'x'.repeat(65), 'ü', 'abcü', 'ü'.repeat(30), '日本語', '😀', `${'a'.repeat(63)}é`,
    '\u007f', '\u0080', 'z\ud800z', `${'b'.repeat(70)}ß`]
  const cluster = await startCluster(t, { topics: { utf: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const sends = strings.map((s, i) => producer.send({ topic: 'utf', key: s, value: strings[strings.length - 1 - i] }))
  await Promise.all(sends)
  await producer.close()
  const log = await readTopic(cluster.bootstrapServers, 'utf')
  const utf8 = (s) => Buffer.from(s, 'utf8').toString('utf8') // a lone surrogate becomes U+FFFD
  assert.deepEqual(log.map((m) => m.key), strings.map(utf8))
  assert.deepEqual(log.map((m) => m.payload), strings.map((_, i) => utf8(strings[strings.length - 1 - i])))
})

test('staged records librdkafka refuses for a full queue wait with their own bytes and go out in order', async (t) => {
  // librdkafka frees a delivery report's messages only when the whole report event is
  // consumed, so while ironkafka settles a report of more than one drain slice (1024),
  // librdkafka still counts the rest against queue.buffering.max.messages. Records sent from
  // the first slice's callbacks are staged (ironkafka's count has room) and refused with
  // _QUEUE_FULL when handed over: they must wait, keep their bytes (the stage's arena is
  // reused meanwhile), and be delivered after the others, in order. With 1400 counted, the
  // handed-over batch is refused from its 101st record on: the first 100 go straight in.
  const cluster = await startCluster(t, { topics: { qf: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 300, 'queue.buffering.max.messages': 1500 })
  await producer.send({ topic: 'qf', value: 'warm' })
  let drained = 0
  producer.on('drain', () => drained++)
  const second = []
  const returned = []
  const first = Array.from({ length: 1400 }, (_, i) => new Promise((resolve, reject) => {
    producer.send({ topic: 'qf', key: `a${i}`, value: `first-${i}` }, (err) => {
      if (err) return reject(err)
      if (i === 1023) { // the last report of the first slice: ironkafka counts 376 in flight
        for (let j = 0; j < 1000; j++) {
          returned.push(producer.send({ topic: 'qf', key: `b${j}ü`, value: Buffer.from(`second-${j}`) }, (e) => second.push(e ?? j)))
        }
      }
      resolve()
    })
  }))
  await Promise.all(first)
  await producer.flush()
  await producer.close()
  // The first 512 fill the stage (send returns true); handing them over finds the queue full,
  // so they wait, and every send after them waits behind them (false).
  assert.equal(returned.indexOf(false), 512, `sends returned ${returned.filter(Boolean).length} true`)
  assert.ok(drained > 0, "no 'drain': the refused records never waited, so this test did not reach that path")
  assert.deepEqual(second, Array.from({ length: 1000 }, (_, j) => j))
  const log = (await readTopic(cluster.bootstrapServers, 'qf')).filter((m) => m.payload !== 'warm')
  assert.deepEqual(log.map((m) => m.payload), [...Array.from({ length: 1400 }, (_, i) => `first-${i}`), ...Array.from({ length: 1000 }, (_, j) => `second-${j}`)])
  assert.deepEqual(log.map((m) => m.key), [...Array.from({ length: 1400 }, (_, i) => `a${i}`), ...Array.from({ length: 1000 }, (_, j) => `b${j}ü`)])
})
