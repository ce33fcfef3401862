// Child-process entry of BrokerProcess (perf.ts): a mock cluster outside the measured
// process. argv[2] is JSON { brokers, topics: [{ name, partitions }] }. Prints
// { bootstrap } as one line once the topics exist; exits when stdin closes (the parent ended
// or stopped it), so it can never outlive the benchmark.
import { MockCluster } from '../mock-cluster.js'

async function main(): Promise<void> {
  const { brokers, topics } = JSON.parse(process.argv[2] ?? '{}') as { brokers?: number; topics?: Array<{ name: string; partitions: number }> }
  const cluster = await MockCluster.start({ brokers: brokers ?? 1 })
  for (const t of topics ?? []) cluster.createTopic(t.name, { partitions: t.partitions, replicationFactor: 1 })
  process.stdout.write(JSON.stringify({ bootstrap: cluster.bootstrapServers }) + '\n')
  process.stdin.resume()
  process.stdin.on('end', () => {
    void cluster.close().then(() => process.exit(0))
  })
}

void main()
