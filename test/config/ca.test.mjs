// Which CA certificates a TLS client trusts when the user names none: the system's (librdkafka
// probes the usual locations), or, on a machine that has none, Node's own root certificates.
import test from 'node:test'
import assert from 'node:assert/strict'
import { rootCertificates } from 'node:tls'
import { fallbackCaPem, SYSTEM_CA_LOCATIONS } from '../../dist/config/ca.js'

const none = () => false
const debian = (p) => p === '/etc/ssl/certs/ca-certificates.crt'

test('TLS on a machine with no system CA store: Node\'s root certificates are passed as ssl.ca.pem', () => {
  for (const protocol of ['ssl', 'SASL_SSL']) {
    const pem = fallbackCaPem({ 'security.protocol': protocol }, none)
    assert.equal(pem, rootCertificates.join('\n'))
    assert.ok(rootCertificates.length > 100)
  }
})

test('a system CA store anywhere librdkafka probes: nothing is added (librdkafka uses the system\'s)', () => {
  assert.equal(fallbackCaPem({ 'security.protocol': 'ssl' }, debian), undefined)
  for (const p of SYSTEM_CA_LOCATIONS) assert.equal(fallbackCaPem({ 'security.protocol': 'ssl' }, (x) => x === p), undefined, p)
})

test('the user\'s own choice wins: a CA location, a CA PEM, or verification off; plaintext needs none', () => {
  assert.equal(fallbackCaPem({ 'security.protocol': 'ssl', 'ssl.ca.location': '/my/ca.pem' }, none), undefined)
  assert.equal(fallbackCaPem({ 'security.protocol': 'ssl', 'ssl.ca.pem': '-----BEGIN CERTIFICATE-----' }, none), undefined)
  assert.equal(fallbackCaPem({ 'security.protocol': 'ssl', 'enable.ssl.certificate.verification': 'false' }, none), undefined)
  assert.equal(fallbackCaPem({}, none), undefined)
  assert.equal(fallbackCaPem({ 'security.protocol': 'sasl_plaintext' }, none), undefined)
})
