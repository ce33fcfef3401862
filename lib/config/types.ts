// The typed producer config: every librdkafka producer property (generated) plus the Java
// client's names, with literal types for enums. Numbers and booleans may also be strings
// (env vars, .properties files); validateConfig() coerces them.
import type { LibrdkafkaProducerProperties } from './librdkafka.generated.js'

type Num = number | `${number}`
type Bool = boolean | 'true' | 'false'

/** console, pino, winston... anything with these methods. */
export interface Logger {
  error?(msg: string, ...rest: unknown[]): void
  warn?(msg: string, ...rest: unknown[]): void
  info?(msg: string, ...rest: unknown[]): void
  debug?(msg: string, ...rest: unknown[]): void
}

/** How keys or values become bytes: a built-in name or a function. */
export type Serializer<T> = 'buffer' | 'string' | 'json' | ((value: T, topic: string) => Buffer | string | null)

/** The Java serializers with an exact equivalent here ('string' or 'buffer'). */
export type JavaSerializerClass =
  | 'org.apache.kafka.common.serialization.StringSerializer'
  | 'org.apache.kafka.common.serialization.ByteArraySerializer'
  | 'org.apache.kafka.common.serialization.ByteBufferSerializer'
  | 'org.apache.kafka.common.serialization.BytesSerializer'

export type Partitioner = 'random' | 'consistent' | 'consistent_random' | 'murmur2' | 'murmur2_random' | 'fnv1a' | 'fnv1a_random'

/** The Java producer settings the Kafka docs use, as ironkafka reads them. */
export interface JavaProducerSettings<K, V> {
  /** host:port list (comma-separated or an array). → librdkafka bootstrap.servers. */
  'bootstrap.servers'?: string | string[]
  'client.id'?: string
  /** Same as keySerializer. */
  'key.serializer'?: Serializer<K> | JavaSerializerClass
  /** Same as valueSerializer. */
  'value.serializer'?: Serializer<V> | JavaSerializerClass
  'connections.max.idle.ms'?: Num
  /** Default all (ironkafka, like Java since 3.0). */
  acks?: 0 | 1 | -1 | 'all' | '0' | '1' | '-1'
  'compression.type'?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /** Bytes. → librdkafka message.max.bytes. */
  'max.request.size'?: Num
  /** Bytes per batch. */
  'batch.size'?: Num
  'linger.ms'?: Num
  /** Bytes of records the producer may buffer. → librdkafka queue.buffering.max.kbytes (÷1024). */
  'buffer.memory'?: Num
  /** How long a send waits for buffer space before failing (ironkafka; default 60000). */
  'max.block.ms'?: Num
  /** Upper bound on the time from send to outcome. → librdkafka message.timeout.ms. */
  'delivery.timeout.ms'?: Num
  'request.timeout.ms'?: Num
  retries?: Num
  'retry.backoff.ms'?: Num
  /** At most 5 with idempotence. */
  'max.in.flight.requests.per.connection'?: Num
  /** Default true (ironkafka, like Java since 3.0). */
  'enable.idempotence'?: Bool
  /** Java class names: DefaultPartitioner → murmur2_random, UniformStickyPartitioner → random. */
  'partitioner.class'?:
    | 'org.apache.kafka.clients.producer.internals.DefaultPartitioner'
    | 'org.apache.kafka.clients.producer.UniformStickyPartitioner'
  /** true → sticky partitioning that ignores keys (librdkafka partitioner=random). */
  'partitioner.ignore.keys'?: Bool
  /** librdkafka's partitioner names; default murmur2_random (Java-compatible). */
  partitioner?: Partitioner
  'transactional.id'?: string
  /** Bytes; -1 = OS default. → socket.send.buffer.bytes. */
  'send.buffer.bytes'?: Num
  /** Bytes; -1 = OS default. → socket.receive.buffer.bytes. */
  'receive.buffer.bytes'?: Num
  /**
   * A PlainLoginModule or ScramLoginModule line → sasl.username and sasl.password. Other login
   * modules are refused with what to set instead.
   */
  'sasl.jaas.config'?: string
  /** PEM only here (JKS and PKCS12 trust stores are refused with the command that converts them). */
  'ssl.truststore.type'?: 'PEM' | 'JKS' | 'PKCS12'
  /** With ssl.truststore.type=PEM → ssl.ca.location. */
  'ssl.truststore.location'?: string
  /** PEM text of the trusted CAs (type PEM) → ssl.ca.pem. */
  'ssl.truststore.certificates'?: string
  /** Refused: a PEM trust store has no password (in Java too). */
  'ssl.truststore.password'?: string
  /**
   * PKCS12: ssl.keystore.location and ssl.keystore.password as librdkafka reads them. PEM:
   * ssl.keystore.location is one file with the key and the certificate chain (→
   * ssl.certificate.location and ssl.key.location), and its password is ssl.key.password.
   * JKS is refused with the keytool command that converts it.
   */
  'ssl.keystore.type'?: 'PEM' | 'PKCS12' | 'JKS'
  /** PEM text of the private key (type PEM) → ssl.key.pem. */
  'ssl.keystore.key'?: string
  /** PEM text of the certificate chain (type PEM) → ssl.certificate.pem. */
  'ssl.keystore.certificate.chain'?: string
}

/** An OAUTHBEARER token, as an oauthBearerProvider returns it. */
export interface OAuthBearerToken {
  /** The token itself (for example a JWT, or an AWS MSK IAM signed URL token). */
  value: string
  /** The principal name the token is for. */
  principal: string
  /** When the token expires: milliseconds since the epoch. It is refreshed before then (at 80%). */
  lifetime: number
  /** SASL extensions sent with the token (key: letters only; value: printable ASCII). */
  extensions?: Record<string, string>
}

/**
 * Supplies OAUTHBEARER tokens: called before the first connection and again before each
 * token expires, with the sasl.oauthbearer.config string. It may be async; librdkafka's
 * threads never wait on it. A throw, a rejection, a bad token or no answer within 30 s is
 * an 'error' event (code _AUTHENTICATION, naming the reason), and librdkafka asks again 10 s
 * later; connections wait for a token meanwhile.
 */
export type OAuthBearerProvider = (oauthbearerConfig: string) => OAuthBearerToken | Promise<OAuthBearerToken>

/** SASL PLAIN or SCRAM credentials, as a saslCredentialsProvider returns them. */
export interface SaslCredentials {
  username: string
  password: string
}

/**
 * Supplies SASL PLAIN/SCRAM credentials that rotate (a secrets manager): asked when a broker
 * refuses the current ones. Other credentials are used from the next authentication on and
 * the pending sends wait for it; the same ones mean the refusal stands, and the pending sends
 * fail with it. It may be async (at most 30 s); librdkafka's threads never wait on it.
 */
export type SaslCredentialsProvider = () => SaslCredentials | Promise<SaslCredentials>

/** Options that are not Kafka settings. */
export interface ProducerOptions<K, V> {
  keySerializer?: Serializer<K>
  valueSerializer?: Serializer<V>
  logger?: Logger
  /** Supplies OAUTHBEARER tokens from your code (sasl.mechanism=OAUTHBEARER). */
  oauthBearerProvider?: OAuthBearerProvider
  /** Supplies new PLAIN/SCRAM credentials when the broker refuses the current ones. */
  saslCredentialsProvider?: SaslCredentialsProvider
}

/** Set by ironkafka itself (a user value is rejected by validateConfig). */
type Managed = 'log.queue' | 'enabled_events' | 'delivery.report.only.error'

export type ProducerConfig<K = Buffer | string | null, V = Buffer | string | null> = Omit<
  LibrdkafkaProducerProperties,
  keyof JavaProducerSettings<K, V> | Managed
> &
  JavaProducerSettings<K, V> &
  ProducerOptions<K, V>
