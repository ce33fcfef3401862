// Loads the native addon (prebuilds/ first, then build/, via node-gyp-build) and describes
// its surface. Nothing here has policy: see producer.ts and mock-cluster.ts.
import path from 'node:path'
import nodeGypBuild from 'node-gyp-build'
import { KafkaError } from './errors.js'

/** One event other than a delivery report, as native drain() hands it over. */
export type NativeEvent =
  | { type: 'error'; errno: number; code: string; message: string; fatal: boolean }
  | { type: 'stats'; json: string }
  | { type: 'log'; level: number; facility: string; message: string }

export interface NativeProducer {
  onwake?: () => void
  topic(name: string): number
  /** Topic index, partition, timestamp and id are written to the `args` array first. */
  produce(key: Buffer | string | null, value: Buffer | string | null, headers: Array<string | Buffer | null> | null): number
  /**
   * Produces `n` header-less records in one call: row i of `rows` (ROW_STRIDE numbers: topic,
   * partition, timestamp, id, key length, value length, result) describes record i, whose key
   * and value bytes follow each other in `arena` (length -1 = null). Returns how many were
   * handled; each handled row's result is its error code (0 = queued). Stops before the
   * first _QUEUE_FULL.
   */
  produceMany(rows: Float64Array, n: number, arena: Buffer): number
  drain(maxRows: number, events: NativeEvent[]): number
  flush(timeoutMs: number): Promise<number>
  metadata(timeoutMs: number): Promise<{ errno: number; brokers: number }>
  purge(flags: number): number
  close(): Promise<void>
  ref(): void
  unref(): void
  outqLen(): number
  fatalError(): KafkaError | null
  testFatalError(errno: number, reason: string): number
  name(): string
}

export interface NativeMockCluster {
  bootstraps(): string
  createTopic(name: string, partitions: number, replicationFactor: number): number
  pushRequestErrors(apiKey: number, codes: number[]): number
  pushBrokerRequestErrors(brokerId: number, apiKey: number, codeRttPairs: number[]): number
  setBrokerDown(brokerId: number): number
  setBrokerUp(brokerId: number): number
  setBrokerRtt(brokerId: number, rttMs: number): number
  setPartitionLeader(topic: string, partition: number, brokerId: number): number
  setTopicError(topic: string, code: number): number
  close(): Promise<void>
}

export interface Addon {
  setErrorClass(ctor: typeof KafkaError): void
  librdkafkaVersion(): { version: number; versionString: string; features: string }
  errorCodes(): Array<[number, string, string]>
  Producer: { new (config: string[], report: Float64Array, args: Float64Array): NativeProducer; REPORT_STRIDE: number; PRODUCE_ARGS: number; ROW_STRIDE: number }
  MockCluster: new (brokers: number) => NativeMockCluster
}

/** The package root: dist/.. in the published layout and in the repo alike. */
export const packageRoot = path.resolve(__dirname, '..')

export const addon: Addon = nodeGypBuild(packageRoot) as Addon
// Native code builds real KafkaErrors (code, retriable, fatal, abortable) from here on.
addon.setErrorClass(KafkaError)

/**
 * Codes rdkafka.h also defines under Kafka's current protocol name (its #define aliases);
 * rd_kafka_err2name still returns the older name. We report code 6 as Kafka's docs name it
 * and accept every spelling as input.
 */
const ALIASES: Record<string, number> = {
  NOT_LEADER_OR_FOLLOWER: 6,
  GROUP_LOAD_IN_PROGRESS: 14,
  GROUP_COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR_FOR_GROUP: 16,
}
const PREFERRED_NAMES = new Map<number, string>([[6, 'NOT_LEADER_OR_FOLLOWER']])

const names = new Map<number, string>()
const codes = new Map<string, number>(Object.entries(ALIASES))
const descriptions = new Map<number, string>()
for (const [code, name, desc] of addon.errorCodes()) {
  names.set(code, PREFERRED_NAMES.get(code) ?? name)
  codes.set(name, code)
  descriptions.set(code, desc)
}

/** librdkafka's name for an error code, e.g. -192 -> '_MSG_TIMED_OUT'. */
export function errorName(errno: number): string {
  return names.get(errno) ?? `ERR_${errno}`
}

export function errorDescription(errno: number): string {
  return descriptions.get(errno) ?? `error ${errno}`
}

/** librdkafka's error code for a name, e.g. 'NOT_LEADER_OR_FOLLOWER' -> 6. */
export function errorCode(name: string): number | undefined {
  return codes.get(name)
}

/** The librdkafka version linked into the addon. */
export function librdkafkaVersion(): { version: number; versionString: string; features: string[] } {
  const v = addon.librdkafkaVersion()
  return { version: v.version, versionString: v.versionString, features: v.features.split(',') }
}
