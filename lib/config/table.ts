// librdkafka's property table (generated) indexed by name, and the names settings are shown
// by in messages.
import { PROPERTIES, type LibrdkafkaProperty } from './librdkafka.generated.js'

/** Rows by name; where a name exists at both levels the global one wins, as in rd_kafka_conf_set. */
function indexRows(rows: readonly LibrdkafkaProperty[]): Map<string, LibrdkafkaProperty> {
  const out = new Map<string, LibrdkafkaProperty>()
  for (const p of rows) {
    const seen = out.get(p.name)
    if (seen === undefined || (seen.level === 'topic' && p.level === 'global')) out.set(p.name, p)
  }
  return out
}
export const BY_NAME = indexRows(PROPERTIES)
/** Producer-side rows (for a name that exists for both clients, the producer's row). */
export const PRODUCER_ROW = indexRows(PROPERTIES.filter((p) => p.scope !== 'C'))


/** How a canonical setting is named in messages when the user did not write it. */
export const DISPLAY: Record<string, string> = {
  'request.required.acks': 'acks',
  'queue.buffering.max.ms': 'linger.ms',
  'message.send.max.retries': 'retries',
  'message.timeout.ms': 'delivery.timeout.ms',
  'compression.codec': 'compression.type',
  'metadata.broker.list': 'bootstrap.servers',
}

