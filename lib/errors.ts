// Error classes. KafkaError is handed to the addon at load time, so errors made in C++ and
// errors made here are the same class with the same fields.
//
// Which input errors are which (one rule for every call):
// - a value of the wrong type or shape (a record that is not an object, a topic that is not
//   a string, a partition that is not an integer, headers, timestamps, a hole in a batch, a
//   serializer's result, a deadline) is a TypeError, thrown synchronously by the call;
// - a well-formed record that Kafka or this producer's limits would refuse (an illegal topic
//   name, a record over max.request.size or buffer.memory) is a KafkaError with Kafka's code
//   (TOPIC_EXCEPTION, MSG_SIZE_TOO_LARGE), also thrown synchronously, before anything is
//   queued;
// - the producer's state (closed, fatal) is a ClosedError or FatalError, reported the way the
//   send reports its outcome: a rejected promise, the callback, or thrown by produce().
import { addon } from './core/native.js'
import { ERR } from './core/codes.js'

/** Whether a failed record may have been written anyway (librdkafka's message status). */
export type PersistedStatus = 'not-persisted' | 'possibly-persisted' | 'persisted'

/** rd_kafka_msg_status_t, in order. */
export const PERSISTED_STATUS: readonly PersistedStatus[] = ['not-persisted', 'possibly-persisted', 'persisted']

export interface KafkaErrorProps {
  /** librdkafka's error name, e.g. '_MSG_TIMED_OUT', 'NOT_ENOUGH_REPLICAS'. */
  code: string
  /** librdkafka's numeric error code. */
  errno?: number
  retriable?: boolean
  fatal?: boolean
  abortable?: boolean
  persisted?: PersistedStatus
  record?: unknown
  cause?: unknown
}

export class KafkaError extends Error {
  readonly code: string
  readonly errno: number
  readonly retriable: boolean
  readonly fatal: boolean
  readonly abortable: boolean
  /** For failed records: may it be in the log anyway? */
  readonly persisted: PersistedStatus
  /** The record this error is about, when it is about one. */
  readonly record: unknown

  constructor(message: string, props: KafkaErrorProps) {
    super(message, props.cause === undefined ? undefined : { cause: props.cause })
    this.name = new.target.name
    this.code = props.code
    this.errno = props.errno ?? 0
    this.retriable = props.retriable ?? false
    this.fatal = props.fatal ?? false
    this.abortable = props.abortable ?? false
    this.persisted = props.persisted ?? 'not-persisted'
    this.record = props.record
  }
}

/** The producer was closed (or is closing) when the call was made. */
export class ClosedError extends KafkaError {
  constructor(message = 'producer is closed', props: Partial<KafkaErrorProps> = {}) {
    super(message, { code: '_DESTROY', errno: ERR._DESTROY, ...props })
  }
}

/** A deadline passed: flush(), close(), connect(), or max.block.ms for a waiting record. */
export class TimeoutError extends KafkaError {
  constructor(message: string, props: Partial<KafkaErrorProps> = {}) {
    super(message, { code: '_TIMED_OUT', errno: ERR._TIMED_OUT, ...props })
  }
}

/**
 * The producer hit a fatal error (idempotence or gapless guarantee can no longer be kept).
 * `code` is the underlying cause from rd_kafka_fatal_error() (e.g.
 * 'OUT_OF_ORDER_SEQUENCE_NUMBER'), `cause` the KafkaError librdkafka reported. The producer
 * accepts nothing more; close() it and create a new one.
 */
export class FatalError extends KafkaError {
  constructor(message: string, props: KafkaErrorProps) {
    super(message, { ...props, fatal: true })
  }
}

/**
 * Error codes after which sending the same record again may succeed (the Java client's
 * RetriableException family, in librdkafka's names).
 */
export const RETRIABLE_CODES: ReadonlySet<string> = new Set([
  '_MSG_TIMED_OUT',
  '_TIMED_OUT',
  '_TRANSPORT',
  '_ALL_BROKERS_DOWN',
  '_QUEUE_FULL',
  '_PURGE_QUEUE',
  '_PURGE_INFLIGHT',
  '_TIMED_OUT_QUEUE',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
  'UNKNOWN_TOPIC_OR_PART',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'CONCURRENT_TRANSACTIONS',
  'THROTTLING_QUOTA_EXCEEDED',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'CORRUPT_MESSAGE',
])

/** One problem (or warning) in a producer config. */
export interface ConfigIssue {
  /** The key to change, as the user wrote it ('' for the config as a whole). */
  key: string
  message: string
  /** Every key involved, for rules about several settings. */
  keys?: string[]
  /**
   * Which check found it, for programs: 'value', 'unknown-key', 'consumer-key',
   * 'java-only-key', 'api-key', 'managed-key', 'same-setting', 'idempotence.acks',
   * 'idempotence.max-in-flight', 'idempotence.retries', 'idempotence.backpressure',
   * 'idempotence.queuing', 'gapless.idempotence', 'transactional.idempotence',
   * 'transactional.message-timeout', 'transactional.socket-timeout', 'delivery-timeout',
   * 'delivery-timeout.linger', 'reconnect-backoff', 'ssl.keystore-password', 'build-key',
   * 'not-an-object'; file problems: 'file'.
   */
  rule?: string
}

/**
 * A producer config that cannot work, with every problem found (not just the first). Thrown
 * by validateConfig() and new Producer() before anything native is created.
 */
export class ConfigError extends KafkaError {
  readonly issues: ConfigIssue[]
  readonly warnings: ConfigIssue[]

  constructor(issues: ConfigIssue[], warnings: ConfigIssue[] = []) {
    const n = issues.length
    const lines = issues.map((i) => `  - ${i.key === '' ? '' : `${i.key}: `}${i.message}`)
    super(`invalid producer config (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      code: '_INVALID_ARG',
      errno: ERR._INVALID_ARG,
    })
    this.issues = issues
    this.warnings = warnings
  }
}

// Native code builds real KafkaErrors (code, retriable, fatal, abortable) from here on.
addon.setErrorClass(KafkaError)
