/// <reference types="node" preserve="true" />
// The package entry. The reference above is kept in index.d.ts: the types use Buffer and
// node:events, and TypeScript 6+ projects include no @types package unless one is named.
export { Producer } from './producer/producer.js'
export type { ProducerRecord, RecordMetadata, RecordHeaders, SendCallback, Bytes } from './producer/types.js'
export type { LogEntry } from './core/client.js'
export type { ProducerConfig, ProducerOptions, JavaProducerSettings, Serializer, Logger, Partitioner } from './config/types.js'
export { validateConfig, checkConfig, producerConfigSchema } from './config/validate.js'
export type { ResolvedConfig, ResolvedSetting, ConfigReport, ConfigSource } from './config/validate.js'
export type { LibrdkafkaProducerProperties } from './config/librdkafka.generated.js'
export { MockCluster, API_KEYS } from './mock-cluster.js'
export type { MockClusterOptions, MockTopicOptions, ApiName, ErrorCodeLike } from './mock-cluster.js'
export { KafkaError, ClosedError, TimeoutError, FatalError, ConfigError } from './errors.js'
export type { KafkaErrorProps, PersistedStatus, ConfigIssue } from './errors.js'
export { librdkafkaVersion } from './core/codes.js'
export type { CloseOnSignalsOptions } from './signals.js'
