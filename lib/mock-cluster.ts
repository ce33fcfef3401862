// librdkafka's in-process mock cluster, for users' own tests and the demo: real Kafka
// protocol on loopback ports, no broker to install. Broker ids are librdkafka's (1..N).
import { addon, errorName, type NativeMockCluster } from './binding.js'
import { KafkaError } from './errors.js'

export interface MockClusterOptions {
  /** Number of brokers (default 3). */
  brokers?: number
}

export interface MockTopicOptions {
  partitions?: number
  replicationFactor?: number
}

export class MockCluster {
  readonly #native: NativeMockCluster
  readonly bootstrapServers: string
  readonly brokers: number
  #closed: Promise<void> | undefined

  private constructor(brokers: number) {
    this.#native = new addon.MockCluster(brokers)
    this.brokers = brokers
    this.bootstrapServers = this.#native.bootstraps()
  }

  /** Starts a mock cluster; it listens on loopback until close(). */
  static async start(options: MockClusterOptions = {}): Promise<MockCluster> {
    const brokers = options.brokers ?? 3
    if (!Number.isInteger(brokers) || brokers < 1) {
      throw new TypeError(`brokers must be a positive integer, got ${String(brokers)}`)
    }
    return new MockCluster(brokers)
  }

  /** Creates a topic (replicationFactor is capped by the number of brokers). */
  createTopic(name: string, options: MockTopicOptions = {}): void {
    const partitions = options.partitions ?? 1
    const rf = options.replicationFactor ?? Math.min(3, this.brokers)
    check(this.#native.createTopic(name, partitions, rf), `createTopic(${name})`)
  }

  /** Stops the cluster's threads and closes its ports. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.#native.close()
    return this.#closed
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

function check(errno: number, what: string): void {
  if (errno !== 0) throw new KafkaError(`${what} failed: ${errorName(errno)}`, { code: errorName(errno), errno })
}


