// The real-broker chaos scenarios (leader killed, leader paused, brief and long outages, producer-id expiry, whole-cluster restart), shared by the 1-node and
// the 3-node suites. Each streams keyed records through the callback API while a fault
// happens, then holds every outcome against the log with the oracle (kcat reads back), and
// reports sent / delivered / failed / found in log.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { Producer } from 'ironkafka'
import { waitUntil } from '../../scripts/kafka/cluster.mjs'
import { Oracle } from '../helpers/oracle.mjs'

export const ITERATIONS = Number(process.env.IRONKAFKA_CHAOS_ITERATIONS ?? 3)
export const MESSAGES = Number(process.env.IRONKAFKA_CHAOS_MESSAGES ?? 200_000)
const PARTITIONS = 6
// A directory to keep each scenario's whole librdkafka log in (ms since start, level, line):
// CI's excerpt of a failure is bounded, a reproduction needs every line.
const LOG_DIR = process.env.IRONKAFKA_CHAOS_LOG_DIR
// Producer settings (JSON) merged over each scenario's own, to make a rare interleaving
// frequent while reproducing it (e.g. a metadata refresh every 50 ms).
const EXTRA_CONFIG = JSON.parse(process.env.IRONKAFKA_CHAOS_CONFIG ?? '{}')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Streams `total` keyed records (all at once, or `perTick` every 10 ms: a steady stream) and
 * runs `fault()` once a third have been acknowledged. After the fault, `tail` more records are
 * sent, and each of them must be delivered: the producer recovers by itself. Returns the
 * oracle's counts (after flush and close) and the outcomes of the failed sends.
 */
export async function stream(t, kafka, { topic, config = {}, total = MESSAGES, perTick, fault, tail = 0, allowFailures = false }) {
  const oracle = new Oracle(topic)
  // Broker-down noise: outcomes are what the oracle checks. librdkafka's log (with its
  // idempotence and broker-state debug lines) and the distinct error events are kept, with
  // when each was first seen, so that an unexpected failure explains itself in CI's output.
  const began = Date.now()
  const log = new Distinct(began, 200)
  const faultTimes = []
  // librdkafka issue #5430: a Produce response naming leader -1 can stall its partition; how
  // often the warning that precedes it appears is reported on every run, failing or not.
  let leaderMinusOne = 0
  const full = LOG_DIR ? fs.createWriteStream(path.join(LOG_DIR, `${topic}.log`)) : null
  const add = (level) => (line) => {
    full?.write(`${Date.now() - began} ${level} ${line}\n`)
    if (line.includes('new leader-1 not found in cache')) leaderMinusOne++
    if (faultTimes.length > 0) log.add(`${level} ${line}`) // from the fault on
  }
  const logger = { error: add('E'), warn: add('W'), info: add('I'), debug: add('D') }
  const producer = new Producer({ 'bootstrap.servers': kafka.bootstrapServers, debug: LOG_DIR ? 'eos,broker,metadata,topic' : 'eos,broker', logger, ...config, ...EXTRA_CONFIG })
  const errors = new Distinct(began)
  const errorCodes = new Set()
  producer.on('error', (e) => {
    errorCodes.add(e.code)
    errors.add(`${e.code}: ${e.message}`)
  })
  const send = (n) => {
    for (let i = 0; i < n; i++) {
      const { record, settle } = oracle.next(`key-${oracle.sent % 1000}`)
      producer.send(record, settle)
    }
  }
  const faulted = (async () => {
    await waitUntil(() => oracle.delivered >= total / 3, { timeoutMs: 300_000, intervalMs: 20, what: 'a third delivered' })
    const atFault = oracle.settled
    const started = Date.now()
    faultTimes.push(started - began)
    await fault(oracle)
    faultTimes.push(Date.now() - began)
    t.diagnostic(`fault began with ${atFault} of ${total} settled, lasted ${Date.now() - started} ms; ${oracle.settled} settled when it ended`)
    // A fault after the stream had finished would prove nothing.
    assert.ok(atFault < total, 'the stream had already finished when the fault began')
  })()
  if (perTick) {
    for (let left = total; left > 0; left -= perTick) {
      send(Math.min(perTick, left))
      await sleep(10)
    }
  } else {
    send(total)
  }
  await faulted
  const tailFrom = oracle.sent
  send(tail)
  // CI prints a failing test's error message, not its diagnostics: the evidence goes there
  // (in a new Error: the reporter rebuilds an AssertionError's message from its fields).
  const explain = async (e, pending = producer.pending) => {
    const md = await kafka.metadata(topic).catch((x) => ({ error: x.message }))
    throw new Error(`${e.message}\n-- fault: ${faultTimes.join(' .. ')} ms after start; ${oracle.settled} of ${oracle.sent} settled, ${pending} pending` +
      `\n-- producer errors:\n${errors}` +
      `\n-- librdkafka log from the fault on (distinct lines, first seen):\n${log}\n-- metadata now: ${JSON.stringify(md.topics ?? md)}`, { cause: e })
  }
  // A flush that times out (records stuck after the fault) must explain itself as well.
  await producer.flush(600_000).catch(async (e) => {
    const pending = producer.pending
    await producer.close({ timeoutMs: 1000 }).catch(() => {})
    await explain(e, pending)
  })
  await producer.close()
  full?.end()
  const counts = await oracle.check(kafka.bootstrapServers, { allowFailures }).catch((e) => explain(e))
  t.diagnostic(`sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
  t.diagnostic(`client error codes: ${[...errorCodes].join(', ') || 'none'}; 'new leader-1 not found in cache' warnings: ${leaderMinusOne}`)
  for (let i = tailFrom; i < oracle.sent; i++) assert.ok(oracle.outcomes[i].ok, `send ${i}, after the fault, failed: ${oracle.outcomes[i].error?.message}`)
  const failures = oracle.outcomes.filter((e) => e.error).map((e) => e.error)
  return { ...counts, failures }
}

/**
 * Distinct lines with a count and when each was first seen (ms after `began`). Numbers are
 * masked when grouping, so per-message lines collapse into one; bounded in size.
 */
class Distinct {
  #lines = new Map()
  constructor(began, max = 50) {
    this.began = began
    this.max = max
  }

  add(line) {
    const k = line.replace(/\d+/g, '#').slice(0, 240)
    const seen = this.#lines.get(k)
    if (seen) {
      seen.n++
      seen.last = Date.now() - this.began
    } else if (this.#lines.size < this.max) {
      this.#lines.set(k, { n: 1, at: Date.now() - this.began, last: Date.now() - this.began, first: line.slice(0, 300) })
    }
  }

  toString() {
    return [...this.#lines.values()].map(({ n, at, last, first }) => `  +${at}..${last} ms x${n}: ${first}`).join('\n')
  }
}

/** Brokers other than `except`, running. */
function others(kafka, except) {
  return kafka.brokers.filter((n) => n.id !== except).map((n) => n.id)
}

/**
 * D1: kill -9 the leader of partition 0 mid-stream; restart it once leadership has moved.
 * `client`: settings for how the producer connects (a secured listener and its credentials).
 */
export async function killLeader(t, kafka, it, client = {}) {
  const topic = `d1-${it}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: PARTITIONS })
  const counts = await stream(t, kafka, {
    topic,
    config: { 'linger.ms': 5, ...client },
    fault: async () => {
      const leader = await kafka.leaderOf(topic, 0)
      t.diagnostic(`killing node ${leader} (leader of ${topic}/0)`)
      kafka.kill(leader)
      await kafka.waitExit(leader)
      if (others(kafka, leader).length > 0) await kafka.waitLeaders(topic, PARTITIONS, { fullIsr: false })
      await kafka.startNode(leader)
    },
  })
  assert.equal(counts.inLog, MESSAGES)
  await kafka.waitLeaders(topic, PARTITIONS)
}

/** D2: SIGSTOP the leader past request.timeout.ms, then SIGCONT. Lost acks are deduplicated by the broker. */
export async function pauseLeader(t, kafka, it) {
  const topic = `d2-${it}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: PARTITIONS })
  const counts = await stream(t, kafka, {
    topic,
    config: { 'linger.ms': 5, 'request.timeout.ms': 3000, 'delivery.timeout.ms': 300_000 },
    fault: async () => {
      const leader = await kafka.leaderOf(topic, 0)
      t.diagnostic(`pausing node ${leader} (leader of ${topic}/0) for 6 s`)
      kafka.pause(leader)
      await sleep(6000) // the fault itself: longer than request.timeout.ms
      kafka.resume(leader)
    },
  })
  assert.equal(counts.inLog, MESSAGES)
  await kafka.waitLeaders(topic, PARTITIONS)
}

/**
 * Stops all brokers but one (on a 1-node cluster: the broker) and waits until the partitions
 * have shrunk to the survivor's ISR, below min.insync.replicas. Returns the stopped ids.
 */
async function stopAllButOne(t, kafka, topic) {
  const ids = kafka.brokers.map((n) => n.id)
  const stopped = ids.length > 1 ? ids.slice(0, -1) : ids
  await Promise.all(stopped.map((id) => kafka.stopNode(id)))
  if (ids.length > 1) {
    const survivor = ids.at(-1)
    await waitUntil(async () => {
      const md = await kafka.metadata(topic, { from: survivor })
      return md.topics[0].partitions.every((p) => p.leader === survivor && p.isrs.length === 1)
    }, { timeoutMs: 60_000, what: `ISR of ${topic} to shrink to node ${survivor}` })
    t.diagnostic(`stopped nodes ${stopped}; every partition's ISR is [${survivor}], below min.insync.replicas 2`)
  } else {
    t.diagnostic(`stopped node ${stopped} (the only broker)`)
  }
  return stopped
}

async function startAgain(kafka, ids) {
  for (const id of ids) await kafka.startNode(id, { wait: false })
  await kafka.waitReady()
}

/** D4, brief: the ISR below min.insync.replicas (or no broker) for a few seconds: everything is delivered. */
export async function outageBrief(t, kafka, it) {
  const topic = `d4b-${it}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: PARTITIONS })
  const counts = await stream(t, kafka, {
    topic,
    config: { 'linger.ms': 5 },
    fault: async () => {
      const stopped = await stopAllButOne(t, kafka, topic)
      await sleep(3000)
      await startAgain(kafka, stopped)
    },
  })
  assert.equal(counts.inLog, MESSAGES)
  await kafka.waitLeaders(topic, PARTITIONS)
}

/**
 * D4, long: the same outage, longer than delivery.timeout.ms. Records fail with _MSG_TIMED_OUT
 * and a persisted status that the log bears out; once the brokers are back, the same producer
 * delivers again without being recreated.
 */
export async function outageLong(t, kafka, it) {
  const topic = `d4l-${it}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: PARTITIONS })
  const deliveryTimeout = 10_000
  const counts = await stream(t, kafka, {
    topic,
    config: { 'linger.ms': 5, 'request.timeout.ms': 3000, 'delivery.timeout.ms': deliveryTimeout },
    allowFailures: true,
    tail: 2000,
    fault: async (oracle) => {
      const began = Date.now()
      const stopped = await stopAllButOne(t, kafka, topic)
      await waitUntil(() => oracle.outcomes.some((e) => e.error), { timeoutMs: 60_000, what: 'a send to time out' })
      await sleep(Math.max(0, began + deliveryTimeout + 2000 - Date.now()))
      await startAgain(kafka, stopped)
    },
  })
  const byStatus = {}
  for (const e of counts.failures) byStatus[`${e.code}/${e.persisted}`] = (byStatus[`${e.code}/${e.persisted}`] ?? 0) + 1
  t.diagnostic(`failures by code/persisted: ${JSON.stringify(byStatus)}`)
  assert.ok(counts.failed > 0, 'an outage longer than delivery.timeout.ms must fail some sends')
  t.diagnostic(`${counts.failedInLog} of the failed sends are in the log nonetheless`)
  for (const e of counts.failures) assert.deepEqual([e.code, e.persisted], ['_MSG_TIMED_OUT', 'possibly-persisted'])
  await kafka.waitLeaders(topic, PARTITIONS)
}

/**
 * D5: the broker expires the producer's state while the producer is idle
 * (producer.id.expiration.ms, a dynamic broker setting, lowered for this test); the producer
 * then sends again. Requires producer.id.expiration.check.interval.ms to be small.
 */
export async function producerIdExpiry(t, kafka, it) {
  const topic = `d5-${it}-${Date.now()}`
  const partitions = 2
  await kafka.createTopic(topic, { partitions })
  const oracle = new Oracle(topic)
  const producer = new Producer({ 'bootstrap.servers': kafka.bootstrapServers, 'linger.ms': 5 })
  const burst = async (n) => {
    const all = []
    for (let i = 0; i < n; i++) {
      const { record, settle } = oracle.next(`key-${oracle.sent % 1000}`)
      all.push(new Promise((resolve) => producer.send(record, (err, md) => resolve(settle(err, md)))))
    }
    await Promise.all(all)
  }
  const states = async () => Promise.all(Array.from({ length: partitions }, (_, p) => kafka.describeProducers(topic, p)))
  try {
    await burst(5000)
    const before = await states()
    assert.ok(before.every((s) => s.length === 1), `each partition holds our producer's state: ${JSON.stringify(before)}`)
    await kafka.setBrokerDefaults({ 'producer.id.expiration.ms': 3000 })
    const idleFrom = Date.now()
    await waitUntil(async () => (await states()).every((s) => s.length === 0), { timeoutMs: 120_000, intervalMs: 500, what: 'producer state to expire' })
    t.diagnostic(`producer ${before[0][0].producerId} idle ${Date.now() - idleFrom} ms until every partition had expired its state`)
    await kafka.setBrokerDefaults({ 'producer.id.expiration.ms': 86_400_000 })
    await burst(5000)
    const after = await states()
    t.diagnostic(`after: ${JSON.stringify(after)}`)
  } finally {
    await kafka.setBrokerDefaults({ 'producer.id.expiration.ms': 86_400_000 }).catch(() => {})
    await producer.close()
  }
  const counts = await oracle.check(kafka.bootstrapServers, { allowFailures: false })
  t.diagnostic(`sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
  assert.equal(counts.inLog, 10_000)
}

/** D6: every node of the cluster stops (gracefully) and starts again during a steady stream. */
export async function restartCluster(t, kafka, it) {
  const topic = `d6-${it}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: PARTITIONS })
  const counts = await stream(t, kafka, {
    topic,
    perTick: 200,
    config: { 'linger.ms': 5, 'delivery.timeout.ms': 300_000, 'max.block.ms': 300_000 },
    fault: async () => {
      const ids = kafka.nodes.map((n) => n.id)
      await Promise.all(kafka.brokers.map((n) => kafka.stopNode(n.id)))
      await Promise.all(ids.map((id) => kafka.stopNode(id)))
      t.diagnostic(`all ${ids.length} node(s) stopped`)
      for (const id of ids) await kafka.startNode(id, { wait: false })
      await kafka.waitReady()
      const ready = Date.now()
      await kafka.waitLeaders(topic, PARTITIONS, { fullIsr: false, timeoutMs: 120_000 })
      t.diagnostic(`cluster ready; every partition had a leader ${Date.now() - ready} ms later`)
    },
  })
  assert.equal(counts.inLog, MESSAGES)
  await kafka.waitLeaders(topic, PARTITIONS)
}
