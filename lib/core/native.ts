// Loads the native addon (prebuilds/ first, then build/, via node-gyp-build) and describes
// its surface. Nothing here has policy.
import path from 'node:path'
import nodeGypBuild from 'node-gyp-build'

/** One event other than a delivery report, as native drain() hands it over. */
export type NativeEvent =
  | { type: 'error'; errno: number; code: string; message: string; fatal: boolean }
  | { type: 'stats'; json: string }
  | { type: 'log'; level: number; facility: string; message: string }
  | { type: 'oauthbearer-refresh'; config: string }

/** The client core every native client has (native/client.h). */
export interface NativeClient {
  onwake?: () => void
  drain(maxItems: number, events: NativeEvent[]): number
  metadata(timeoutMs: number): Promise<{ errno: number; brokers: number }>
  close(): Promise<void>
  ref(): void
  unref(): void
  fatalError(): Error | null
  /** [brokers up now, connection attempts that ended in the TLS handshake or SASL authentication] */
  brokerStates(): number[]
  /** rd_kafka_oauthbearer_set_token: null, or why librdkafka refused the token. */
  setToken(value: string, lifetimeMs: number, principal: string, extensions: string[]): string | null
  setTokenFailure(reason: string): void
  /** rd_kafka_sasl_set_credentials: null, or why librdkafka refused them. */
  setCredentials(username: string, password: string): string | null
  /**
   * The transactional calls: null, or a KafkaError with librdkafka's classification
   * (retriable, abortable, fatal). The blocking ones wait at most timeoutMs on the worker and
   * resume when called again after a retriable timeout.
   */
  initTransactions(timeoutMs: number): Promise<Error | null>
  beginTransaction(): Error | null
  commitTransaction(timeoutMs: number): Promise<Error | null>
  abortTransaction(timeoutMs: number): Promise<Error | null>
  /** `offsets`: [topic, partition, offset] triples, flat. */
  sendOffsetsToTransaction(offsets: Array<string | number>, groupId: string, timeoutMs: number): Promise<Error | null>
}

export interface NativeProducer extends NativeClient {
  topic(name: string): number
  /**
   * Produces `n` records in one call: row i of `rows` (ROW_COLUMNS) describes record i, whose
   * key, value and header bytes follow each other in `arena` (length -1 = null), with header
   * lengths as pairs in `headerLens`. Returns how many were handled; each handled row's
   * result is its error code (0 = queued). Stops before the first _QUEUE_FULL.
   */
  produce(rows: Float64Array, n: number, arena: Buffer, headerLens: Float64Array): number
  flush(timeoutMs: number): Promise<number>
  purge(flags: number): number
  outqLen(): number
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

/** Column name -> index of a typed-array row format, as the addon exports it. */
export type Columns<K extends string> = Readonly<Record<K | 'stride', number>>

export interface Addon {
  setErrorClass(ctor: new (message: string, props: never) => Error): void
  librdkafkaVersion(): { version: number; versionString: string; features: string }
  errorCodes(): Array<[number, string, string]>
  configProperties(): string
  checkConfig(pairs: string[]): Promise<string | null>
  Producer: {
    new (config: string[], report: Float64Array, tokenProvider: boolean): NativeProducer
    REPORT_COLUMNS: Columns<'id' | 'partition' | 'offset' | 'timestamp' | 'error' | 'status'>
    ROW_COLUMNS: Columns<'topic' | 'partition' | 'timestamp' | 'id' | 'keyLen' | 'valueLen' | 'headerCount' | 'headerAt' | 'error'>
  }
  MockCluster: new (brokers: number) => NativeMockCluster
}

/** The package root: dist/.. in the published layout and in the repo alike. */
export const packageRoot = path.resolve(__dirname, '..', '..')

export const addon: Addon = nodeGypBuild(packageRoot) as Addon
