// Error classes. KafkaError is handed to the addon at load time, so errors made in C++ and
// errors made here are the same class with the same fields.

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
    super(message, { code: '_DESTROY', errno: -197, ...props })
  }
}

/** A deadline passed: flush(), close(), connect(), or max.block.ms for a waiting record. */
export class TimeoutError extends KafkaError {
  constructor(message: string, props: Partial<KafkaErrorProps> = {}) {
    super(message, { code: '_TIMED_OUT', errno: -185, ...props })
  }
}
