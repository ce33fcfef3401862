// librdkafka's in-process mock cluster, for users' own tests and the demo: real Kafka
// protocol on loopback ports, no broker to install, with fault injection. Broker ids are
// librdkafka's (1..N).
import { addon, type NativeMockCluster } from './core/native.js'
import { errorCode, errorName } from './core/codes.js'
import { KafkaError } from './errors.js'

export interface MockClusterOptions {
  /** Number of brokers (default 3). */
  brokers?: number
}

export interface MockTopicOptions {
  partitions?: number
  replicationFactor?: number
}

/** Kafka protocol API keys (facts of the protocol), by the names the Kafka docs use. */
export const API_KEYS = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DescribeCluster: 60,
  DescribeProducers: 61,
} as const

export type ApiName = keyof typeof API_KEYS
/** An error by librdkafka's name ('NOT_LEADER_OR_FOLLOWER', '_TRANSPORT') or number. */
export type ErrorCodeLike = string | number

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

  /** Creates a topic (replicationFactor defaults to min(3, brokers)). */
  createTopic(name: string, options: MockTopicOptions = {}): void {
    const partitions = options.partitions ?? 1
    const rf = options.replicationFactor ?? Math.min(3, this.brokers)
    check(this.#native.createTopic(name, partitions, rf), `createTopic(${name})`)
  }

  /** The next requests of `api`, to any broker, fail with `codes`, one code per request. */
  pushRequestErrors(api: ApiName | number, codes: ErrorCodeLike[]): void {
    check(this.#native.pushRequestErrors(apiKey(api), codes.map(toCode)), 'pushRequestErrors')
  }

  /** The next requests of `api` to one broker fail with each code, after rttMs of delay. */
  pushBrokerRequestErrors(brokerId: number, api: ApiName | number, errors: Array<{ code: ErrorCodeLike; rttMs?: number }>): void {
    const flat = errors.flatMap((e) => [toCode(e.code), e.rttMs ?? 0])
    check(this.#native.pushBrokerRequestErrors(brokerId, apiKey(api), flat), `pushBrokerRequestErrors(${brokerId})`)
  }

  /** The broker closes its connections and refuses new ones until setBrokerUp. */
  setBrokerDown(brokerId: number): void {
    check(this.#native.setBrokerDown(brokerId), `setBrokerDown(${brokerId})`)
  }

  setBrokerUp(brokerId: number): void {
    check(this.#native.setBrokerUp(brokerId), `setBrokerUp(${brokerId})`)
  }

  /** Delays every response of the broker by rttMs. */
  setBrokerRtt(brokerId: number, rttMs: number): void {
    check(this.#native.setBrokerRtt(brokerId, rttMs), `setBrokerRtt(${brokerId})`)
  }

  setPartitionLeader(topic: string, partition: number, brokerId: number): void {
    check(this.#native.setPartitionLeader(topic, partition, brokerId), `setPartitionLeader(${topic}, ${partition})`)
  }

  /** Metadata for the topic reports this error (e.g. 'TOPIC_AUTHORIZATION_FAILED'). */
  setTopicError(topic: string, code: ErrorCodeLike): void {
    check(this.#native.setTopicError(topic, toCode(code)), `setTopicError(${topic})`)
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

function apiKey(api: ApiName | number): number {
  if (typeof api === 'number' && Number.isInteger(api) && api >= 0) return api
  const key = API_KEYS[api as ApiName]
  if (key === undefined) throw new TypeError(`unknown Kafka API '${String(api)}'`)
  return key
}

function toCode(code: ErrorCodeLike): number {
  if (typeof code === 'number' && Number.isInteger(code)) return code
  const n = typeof code === 'string' ? errorCode(code) : undefined
  if (n === undefined) throw new TypeError(`unknown error code '${String(code)}'`)
  return n
}

function check(errno: number, what: string): void {
  if (errno !== 0) throw new KafkaError(`${what} failed: ${errorName(errno)}`, { code: errorName(errno), errno })
}
