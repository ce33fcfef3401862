// D1 (kill -9 of the partition leader mid-stream, then its restart) with the producer on the
// brokers' SASL_SSL listeners (SCRAM-SHA-512 over TLS, certificates made for this run): the
// reconnections to the restarted and the new leaders authenticate again, and the oracle
// (test/helpers/oracle.mjs, against what kcat reads over PLAINTEXT) finds nothing lost,
// duplicated or reordered.
import test, { before, after } from 'node:test'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { makeCertificates } from '../helpers/certs.mjs'
import { killLeader } from './scenarios.mjs'

const password = `d1-${Math.random().toString(36).slice(2)}`
let kafka
let certs

before(async () => {
  certs = makeCertificates()
  kafka = await KafkaCluster.start({
    nodes: 3,
    brokerConfig: { 'replica.lag.time.max.ms': 5000 },
    security: { keystore: certs.server, users: { streamer: password } },
  })
})
after(async () => {
  await kafka?.stop()
})

test('D1 over SASL_SSL (SCRAM-SHA-512): kill -9 the partition leader mid-stream, restart it: nothing lost, no duplicate, order kept', { timeout: 900_000 }, (t) =>
  killLeader(t, kafka, 1, {
    'bootstrap.servers': kafka.listenerServers('SASL_SSL'),
    'security.protocol': 'sasl_ssl',
    'ssl.ca.location': certs.ca,
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.username': 'streamer',
    'sasl.password': password,
  }))
