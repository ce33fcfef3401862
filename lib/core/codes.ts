// librdkafka's error table, read from the linked library (errorCodes()), never written by
// hand: names, descriptions, and the numbers the code needs, looked up by name at load time.
import { addon } from './native.js'

/**
 * Codes rdkafka.h also defines under Kafka's current protocol name (its #define aliases);
 * rd_kafka_err2name still returns the older name. We report code 6 as Kafka's docs name it
 * and accept every spelling as input.
 */
const ALIAS_OF: Record<string, string> = {
  NOT_LEADER_OR_FOLLOWER: 'NOT_LEADER_FOR_PARTITION',
  GROUP_LOAD_IN_PROGRESS: 'COORDINATOR_LOAD_IN_PROGRESS',
  GROUP_COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
  NOT_COORDINATOR_FOR_GROUP: 'NOT_COORDINATOR',
}
const PREFERRED_NAMES = new Set(['NOT_LEADER_OR_FOLLOWER'])

const names = new Map<number, string>()
const codes = new Map<string, number>()
const descriptions = new Map<number, string>()
for (const [code, name, desc] of addon.errorCodes()) {
  names.set(code, name)
  codes.set(name, code)
  descriptions.set(code, desc)
}
for (const [alias, name] of Object.entries(ALIAS_OF)) {
  const code = codes.get(name)
  if (code === undefined) continue
  codes.set(alias, code)
  if (PREFERRED_NAMES.has(alias)) names.set(code, alias)
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

function required<const N extends string>(list: readonly N[]): Readonly<Record<N, number>> {
  const out = {} as Record<N, number>
  for (const n of list) {
    const code = codes.get(n)
    if (code === undefined) throw new Error(`ironkafka: the linked librdkafka has no error code ${n}`)
    out[n] = code
  }
  return out
}

/** The error codes ironkafka's own logic refers to, by librdkafka's names. */
export const ERR = required([
  '_QUEUE_FULL',
  '_MSG_TIMED_OUT',
  '_PURGE_QUEUE',
  '_PURGE_INFLIGHT',
  '_DESTROY',
  '_TIMED_OUT',
  '_INVALID_ARG',
  'MSG_SIZE_TOO_LARGE',
  'TOPIC_EXCEPTION',
  '_AUTHENTICATION',
  '_SSL',
] as const)

/** The librdkafka version linked into the addon. */
export function librdkafkaVersion(): { version: number; versionString: string; features: string[] } {
  const v = addon.librdkafkaVersion()
  return { version: v.version, versionString: v.versionString, features: v.features.split(',') }
}
