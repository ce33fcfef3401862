// A mock cluster per test, closed when the test ends.
import { MockCluster } from 'ironkafka'

export async function startCluster(t, { brokers = 3, topics = {} } = {}) {
  const cluster = await MockCluster.start({ brokers })
  t.after(() => cluster.close())
  for (const [name, opts] of Object.entries(topics)) cluster.createTopic(name, opts)
  return cluster
}

/** Resolves when `cond()` holds, rejects after timeoutMs (bounded wait, no fixed sleeps). */
export async function waitFor(cond, { timeoutMs = 20_000, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export function allBrokers(cluster, fn) {
  for (let id = 1; id <= cluster.brokers; id++) fn(id)
}
