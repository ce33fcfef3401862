/// <reference types="node" preserve="true" />
// The package entry. The reference above is kept in index.d.ts: the types use Buffer and
// node:events, and TypeScript 6+ projects include no @types package unless one is named.
import { Producer as ProducerClass } from './producer/producer.js'
import type { ProducerConfig } from './config/types.js'
import type { Bytes, JsonValue } from './producer/types.js'

/**
 * The Producer class, typed so that the built-in 'json' serializer types the key or value as
 * JSON when no type arguments are given (`new Producer<K, V>(...)` names them explicitly).
 */
export interface ProducerConstructor {
  new <V = Bytes>(config: ProducerConfig<JsonValue, V> & { keySerializer: 'json'; valueSerializer?: Exclude<ProducerConfig<JsonValue, V>['valueSerializer'], 'json'> }): ProducerClass<JsonValue, V>
  new <K = Bytes>(config: ProducerConfig<K, JsonValue> & { valueSerializer: 'json' }): ProducerClass<K, JsonValue>
  new <K = Bytes, V = Bytes>(config: ProducerConfig<K, V>): ProducerClass<K, V>
  readonly prototype: ProducerClass<any, any>
}
export const Producer = ProducerClass as ProducerConstructor
export type Producer<K = Bytes, V = Bytes> = ProducerClass<K, V>
export type { ProducerRecord, RecordMetadata, RecordHeaders, SendCallback, Bytes, JsonValue } from './producer/types.js'
export type { LogEntry } from './core/client.js'
export type { ProducerConfig, ProducerOptions, JavaProducerSettings, Serializer, Logger, Partitioner, OAuthBearerProvider, OAuthBearerToken, SaslCredentials, SaslCredentialsProvider } from './config/types.js'
export { validateConfig, checkConfig, producerConfigSchema } from './config/validate.js'
export type { ResolvedConfig, ResolvedSetting, ConfigReport, ConfigSource } from './config/validate.js'
export type { LibrdkafkaProducerProperties } from './config/librdkafka.generated.js'
export { MockCluster, API_KEYS } from './mock-cluster.js'
export type { MockClusterOptions, MockTopicOptions, ApiName, ErrorCodeLike } from './mock-cluster.js'
export { KafkaError, ClosedError, TimeoutError, FatalError, ConfigError } from './errors.js'
export type { KafkaErrorProps, PersistedStatus, ConfigIssue } from './errors.js'
export { librdkafkaVersion } from './core/codes.js'
export type { CloseOnSignalsOptions } from './signals.js'
