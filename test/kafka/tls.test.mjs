// TLS to a real Apache Kafka broker through the addon's own, statically linked OpenSSL:
// certificates are made for this run with the openssl tool (a CA, and a broker certificate
// for 127.0.0.1 signed by it). A producer that trusts the CA delivers over TLS, and kcat reads
// the records back over the broker's PLAINTEXT listener; one that trusts only the system's CAs
// is refused with a certificate verification error, so verification really happens.
import test, { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Producer } from 'ironkafka'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { readTopic } from '../helpers/kcat.mjs'

let kafka
let dir

/** A CA and a server certificate for 127.0.0.1 signed by it; returns the file paths. */
function makeCertificates() {
  dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-tls-'))
  const f = (name) => path.join(dir, name)
  const ssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ironkafka test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'))
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr'))
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n')
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.pem'))
  // Kafka's PEM keystore: the (unencrypted, PKCS#8) private key and the certificate chain.
  ssl('pkcs8', '-topk8', '-nocrypt', '-in', f('server.key'), '-out', f('server.p8'))
  writeFileSync(f('keystore.pem'), readFileSync(f('server.p8'), 'utf8') + readFileSync(f('server.pem'), 'utf8') + readFileSync(f('ca.pem'), 'utf8'))
  return { ca: f('ca.pem'), keystore: f('keystore.pem') }
}

let certs
before(async () => {
  certs = makeCertificates()
  kafka = await KafkaCluster.start({ nodes: 1, ssl: { keystore: certs.keystore } })
  await kafka.createTopic('tls', { partitions: 2, replicationFactor: 1 })
})
after(async () => {
  await kafka?.stop()
})

test('a producer trusting the test CA delivers over TLS on the static OpenSSL; kcat reads every record back', { timeout: 300_000 }, async () => {
  const lines = []
  const keep = (line) => lines.push(line)
  const producer = new Producer({
    'bootstrap.servers': kafka.sslBootstrapServers,
    'security.protocol': 'ssl',
    'ssl.ca.location': certs.ca,
    debug: 'security',
    logger: { debug: keep, info: keep, warn: keep, error: keep },
  })
  const mds = await Promise.all(Array.from({ length: 200 }, (_, i) => producer.send({ topic: 'tls', key: `k${i % 7}`, value: `tls-${i}` })))
  await producer.close()
  assert.ok(lines.some((l) => /Using statically linked OpenSSL version OpenSSL 3\.5\.7/.test(l)), lines.slice(0, 20).join('\n'))
  const log = await readTopic(kafka.bootstrapServers, 'tls')
  const at = new Map(log.map((m) => [`${m.partition}:${m.offset}`, m.payload]))
  mds.forEach((md, i) => assert.equal(at.get(`${md.partition}:${md.offset}`), `tls-${i}`))
  assert.equal(log.length, 200)
})

test('a producer that trusts only the system CAs is refused: certificate verification is on', { timeout: 300_000 }, async () => {
  const errors = []
  const producer = new Producer({
    'bootstrap.servers': kafka.sslBootstrapServers,
    'security.protocol': 'ssl',
    'message.timeout.ms': 3000,
    'request.timeout.ms': 2000,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  producer.on('error', (e) => errors.push(e))
  const r = await producer.send({ topic: 'tls', value: 'refused' }).then(() => 'delivered', (e) => e)
  await producer.close({ timeoutMs: 1000 })
  assert.notEqual(r, 'delivered')
  assert.ok(errors.some((e) => e.code === '_SSL' && /certificate verify failed/i.test(e.message)), errors.map((e) => `${e.code}: ${e.message}`).join('\n'))
})
