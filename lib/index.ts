export { Producer } from './producer.js'
export type {
  ProducerConfig,
  ProducerOptions,
  ProducerRecord,
  RecordMetadata,
  RecordHeaders,
  SendCallback,
  Serializer,
  Logger,
  LogEntry,
  Bytes,
} from './producer.js'
export { MockCluster, API_KEYS } from './mock-cluster.js'
export type { MockClusterOptions, MockTopicOptions, ApiName, ErrorCodeLike } from './mock-cluster.js'
export { KafkaError, ClosedError, TimeoutError, FatalError } from './errors.js'
export type { KafkaErrorProps, PersistedStatus } from './errors.js'
export { librdkafkaVersion } from './binding.js'
