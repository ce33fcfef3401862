// The client core's routing of librdkafka's client-level events, on fed events: stderr once
// per distinct cause, secrets masked wherever text leaves, the refusal watch over the native
// broker states, and the reason OpenSSL gave for refusing a broker's certificate.
import test from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const { ClientEvents } = require(path.join(root, 'dist', 'core', 'client.js'))
const { SafeLogger, Redactor } = require(path.join(root, 'dist', 'core', 'guard.js'))

const error = (code, message) => ({ type: 'error', errno: -1, code, message, fatal: false })
const log = (facility, message) => ({ type: 'log', level: 3, facility, message })

/** Runs fn with process.stderr.write captured; returns the lines written. */
function stderrOf(fn) {
  const lines = []
  const write = process.stderr.write
  process.stderr.write = (s) => (lines.push(String(s)), true)
  try {
    fn()
  } finally {
    process.stderr.write = write
  }
  return lines
}

test('with no listener and no logger, an error reaches stderr once per distinct cause, whichever broker and attempt it came from', () => {
  const events = new ClientEvents(new EventEmitter(), new SafeLogger(undefined), () => {})
  const refused = (broker, ms, extra = '') => error('_AUTHENTICATION', `sasl_ssl://${broker}/bootstrap: SASL authentication error: invalid credentials (after ${ms}ms in state AUTH_REQ${extra})`)
  const lines = stderrOf(() => {
    events.handle([refused('127.0.0.1:9093', 310)])
    events.handle([refused('127.0.0.1:9094', 322)])
    events.handle([refused('127.0.0.1:9093', 315, ', 1 identical error(s) suppressed')])
    events.handle([error('_SSL', 'ssl://127.0.0.1:9095/bootstrap: SSL handshake failed (after 20ms in state SSL_HANDSHAKE)')])
  })
  assert.equal(lines.length, 2, lines.join(''))
  assert.match(lines[0], /^ironkafka: _AUTHENTICATION: .*invalid credentials/)
  assert.match(lines[1], /^ironkafka: _SSL: /)
})

test('secrets are masked in error events, log lines, stderr and the log event', () => {
  const logged = []
  const emitter = new EventEmitter()
  const entries = []
  emitter.on('log', (e) => entries.push(e.message))
  const logger = new SafeLogger({ info: (l) => logged.push(l), error: (l) => logged.push(l) }, new Redactor(['s3cr3t-pass', 'ab']))
  const events = new ClientEvents(emitter, logger, () => {})
  const errors = []
  emitter.on('error', (e) => errors.push(e.message))
  events.handle([log('CONF', 'sasl.password = s3cr3t-pass, ab stays'), error('_AUTHENTICATION', 'broker said s3cr3t-pass is wrong')])
  assert.deepEqual(entries, ['sasl.password = ***, ab stays'])
  assert.deepEqual(logged, ['librdkafka CONF: sasl.password = ***, ab stays'])
  assert.deepEqual(errors, ['broker said *** is wrong'])
  const quiet = new ClientEvents(new EventEmitter(), new SafeLogger(undefined, new Redactor(['s3cr3t-pass'])), () => {})
  const lines = stderrOf(() => quiet.handle([error('_AUTHENTICATION', 'broker said s3cr3t-pass is wrong')]))
  assert.deepEqual(lines, ['ironkafka: _AUTHENTICATION: broker said *** is wrong\n'])
})

test('every broker refusing the client calls onRefused, again at each further refused attempt, and no more once a broker is up', async () => {
  const emitter = new EventEmitter()
  emitter.on('error', () => {})
  const events = new ClientEvents(emitter, new SafeLogger(undefined), () => {})
  let states = [0, 1, 0]
  const refusals = []
  events.followBrokers(() => states, (cause) => refusals.push(cause.code))
  events.handle([error('_AUTHENTICATION', 'sasl_ssl://a:1/bootstrap: SASL authentication error: invalid credentials')])
  assert.deepEqual(refusals, ['_AUTHENTICATION'])
  assert.equal(events.downFor?.code, '_AUTHENTICATION')
  states = [0, 2, 0] // another attempt refused: librdkafka reports no error event for it
  await new Promise((r) => setTimeout(r, 600))
  assert.deepEqual(refusals, ['_AUTHENTICATION', '_AUTHENTICATION'])
  states = [1, 2, 1] // the credentials work again
  await new Promise((r) => setTimeout(r, 600))
  assert.equal(events.downFor, undefined)
  states = [0, 3, 1]
  await new Promise((r) => setTimeout(r, 600))
  assert.equal(refusals.length, 2)
  events.stopFollowing()
})

test('a broker down for a cause that is not a refusal (an unresolvable host) is a downFor cause, not a refusal; one broker up means neither', () => {
  const emitter = new EventEmitter()
  emitter.on('error', () => {})
  const events = new ClientEvents(emitter, new SafeLogger(undefined), () => {})
  let states = [0, 0, 0]
  const refusals = []
  events.followBrokers(() => states, (cause) => refusals.push(cause.code))
  events.handle([error('_RESOLVE', 'nowhere.invalid:9092/bootstrap: Failed to resolve')])
  assert.equal(events.downFor?.code, '_RESOLVE')
  assert.deepEqual(refusals, [])
  states = [1, 0, 1]
  events.handle([error('_AUTHENTICATION', 'nowhere.invalid:9092/bootstrap: SASL authentication error')])
  assert.equal(events.downFor, undefined)
  assert.deepEqual(refusals, [])
  events.stopFollowing()
})

test("a TLS handshake error names the check OpenSSL failed (an expired certificate), not only librdkafka's hint about CA settings", () => {
  const emitter = new EventEmitter()
  const errors = []
  emitter.on('error', (e) => errors.push(e.message))
  const events = new ClientEvents(emitter, new SafeLogger(undefined), () => {})
  events.handle([
    log('SSLCERTVRFY', '[thrd:ssl://127.0.0.1:9095/bootstrap]: ssl://127.0.0.1:9095/bootstrap: Certificate (subject=/CN=127.0.0.1, issuer=/CN=test CA) verification callback failed: certificate has expired (certificate depth 0)'),
    error('_SSL', 'ssl://127.0.0.1:9095/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured (after 20ms in state SSL_HANDSHAKE)'),
  ])
  assert.equal(errors.length, 1)
  assert.match(errors[0], /^ssl:\/\/127\.0\.0\.1:9095\/bootstrap: the broker's certificate was refused: certificate has expired \(certificate depth 0\); the certificate: subject=\/CN=127\.0\.0\.1, issuer=\/CN=test CA \(SSL handshake failed/)
})

test('no OAUTHBEARER token to be had (no broker is even tried) is a refusal too, and connect() hears of it; a token set ends it', () => {
  const emitter = new EventEmitter()
  emitter.on('error', () => {})
  const events = new ClientEvents(emitter, new SafeLogger(undefined), () => {})
  const refusals = []
  const connectHeard = []
  events.followBrokers(() => [0, 0, 0], (cause) => refusals.push(cause.message))
  const off = events.onAllBrokersDown((cause) => connectHeard.push(cause?.code))
  events.handle([error('_AUTHENTICATION', 'Failed to acquire SASL OAUTHBEARER token: {"error":"invalid_client"}')])
  assert.deepEqual(refusals, ['Failed to acquire SASL OAUTHBEARER token: {"error":"invalid_client"}'])
  assert.deepEqual(connectHeard, ['_AUTHENTICATION'])
  assert.equal(events.persistentCause()?.code, '_AUTHENTICATION')
  events.tokenAcquired()
  assert.equal(events.persistentCause(), undefined)
  off()
  events.stopFollowing()
})

test("a TLS alert refusing the client's certificate (TLS 1.3: reported as _TRANSPORT after the handshake) is an _SSL refusal", () => {
  const emitter = new EventEmitter()
  const errors = []
  emitter.on('error', (e) => errors.push(e))
  const events = new ClientEvents(emitter, new SafeLogger(undefined), () => {})
  const refusals = []
  events.followBrokers(() => [0, 1, 0], (cause) => refusals.push(cause.code))
  events.handle([error('_TRANSPORT', 'ssl://127.0.0.1:9095/bootstrap: Receive failed: error:0A000412:SSL routines::ssl/tls alert bad certificate: SSL alert number 42 (after 14ms in state APIVERSION_QUERY)')])
  assert.equal(errors[0].code, '_SSL')
  assert.match(errors[0].message, /^ssl:\/\/127\.0\.0\.1:9095\/bootstrap: the broker refused this client's TLS certificate/)
  assert.deepEqual(refusals, ['_SSL'])
  // An ordinary transport failure stays one, and is no refusal.
  events.handle([error('_TRANSPORT', 'ssl://127.0.0.1:9096/bootstrap: Connect to ipv4#127.0.0.1:9096 failed: Connection refused')])
  assert.equal(errors[1].code, '_TRANSPORT')
  events.stopFollowing()
})
