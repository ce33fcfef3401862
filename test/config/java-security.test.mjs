// The Java client's security settings: translated to librdkafka's where the meaning is exact
// (JAAS PLAIN/SCRAM credentials, PEM trust and key stores, PKCS#12 keystores), refused with
// the converting command where it is not (JKS), and no secret in any message or report.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkConfig } from 'ironkafka'
import { main } from '../../dist/cli/main.js'

const BASE = { 'bootstrap.servers': 'k:9093' }
const SECRET = 's3cr"et\\pw'
const jaas = (module, user = 'alice', pass = SECRET) =>
  `${module} required username="${user}" password="${pass.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}";`
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule'
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule'

function resolved(config) {
  const r = checkConfig({ ...BASE, ...config })
  assert.deepEqual(r.errors, [], JSON.stringify(r.errors))
  return r.resolved
}
function errorsOf(config) {
  const r = checkConfig({ ...BASE, ...config })
  assert.ok(r.errors.length > 0, 'expected an error')
  for (const e of r.errors) assert.ok(!e.message.includes('s3cr'), `a message shows the secret: ${e.message}`)
  return r.errors
}

test('sasl.jaas.config with PlainLoginModule or ScramLoginModule becomes sasl.username and sasl.password, escapes undone', () => {
  for (const module of [PLAIN, SCRAM]) {
    const r = resolved({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': module === PLAIN ? 'PLAIN' : 'SCRAM-SHA-256', 'sasl.jaas.config': jaas(module) })
    assert.equal(r.librdkafka['sasl.username'], 'alice')
    assert.equal(r.librdkafka['sasl.password'], SECRET)
    assert.deepEqual(r.settings['sasl.password'], { value: '***', source: 'user', keys: ['sasl.jaas.config'] })
    assert.ok(!JSON.stringify(r.settings).includes('s3cr'), 'settings show the password')
  }
  // Bare (unquoted) values and extra whitespace, as properties files often have them.
  const r = resolved({ 'sasl.jaas.config': `  ${SCRAM}   required\n  username=bob\n  password=pw ;  ` })
  assert.equal(r.librdkafka['sasl.username'], 'bob')
  assert.equal(r.librdkafka['sasl.password'], 'pw')
})

test('sasl.jaas.config that cannot be translated is refused with what to set, and never echoed', () => {
  const one = (config, re) => {
    const errs = errorsOf(config)
    assert.equal(errs.length, 1, JSON.stringify(errs))
    assert.match(errs[0].message, re)
    return errs[0]
  }
  one({ 'sasl.jaas.config': `${PLAIN} required username="a" password="s3cret"` }, /closing ";"/)
  one({ 'sasl.jaas.config': `${PLAIN} required username="a" password="s3cr` }, /no closing quote/)
  one({ 'sasl.jaas.config': `${PLAIN} required username="a";` }, /needs username=.*password=/)
  one({ 'sasl.jaas.config': `${PLAIN} required username="a" password="s3cr" tokenauth="x";` }, /tokenauth.*no librdkafka equivalent/)
  one({ 'sasl.jaas.config': `${jaas(PLAIN)} ${jaas(SCRAM)}` }, /only one login module/)
  one({ 'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;' }, /sasl\.oauthbearer\.config/)
  one({ 'sasl.jaas.config': 'com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;' }, /GSSAPI/)
  one({ 'sasl.jaas.config': 'com.example.MyLoginModule required;' }, /cannot run here.*sasl\.username/)
  one({ 'sasl.jaas.config': 'garbage' }, /sasl\.username/)
})

test('sasl.jaas.config and sasl.password that disagree are one error naming both keys, without either password', () => {
  const errs = errorsOf({ 'sasl.jaas.config': jaas(PLAIN), 'sasl.password': 's3cr-other' })
  const e = errs.find((x) => x.rule === 'same-setting')
  assert.ok(e, JSON.stringify(errs))
  assert.deepEqual(e.keys, ['sasl.jaas.config', 'sasl.password'])
  // Agreeing names are fine.
  assert.equal(resolved({ 'sasl.jaas.config': jaas(PLAIN), 'sasl.username': 'alice' }).librdkafka['sasl.username'], 'alice')
})

test('a PEM trust store becomes ssl.ca.location or ssl.ca.pem; JKS and PKCS12 are refused with the converting commands', () => {
  assert.equal(resolved({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/etc/kafka/ca.pem' }).librdkafka['ssl.ca.location'], '/etc/kafka/ca.pem')
  assert.equal(resolved({ 'ssl.truststore.type': 'pem', 'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' }).librdkafka['ssl.ca.pem'],
    '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----')
  // Java's default trust store type is JKS.
  const jks = errorsOf({ 'ssl.truststore.location': '/etc/kafka/truststore.jks', 'ssl.truststore.password': 's3cret' })
  assert.equal(jks.length, 1)
  assert.match(jks[0].message, /keytool -importkeystore -srckeystore \/etc\/kafka\/truststore\.jks .*openssl pkcs12 .* -nokeys/)
  assert.match(jks[0].message, /ssl\.truststore\.type=PEM/)
  assert.match(errorsOf({ 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': '/t.p12' })[0].message, /openssl pkcs12 -in \/t\.p12 -nokeys -out ca\.pem/)
  assert.match(errorsOf({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/ca.pem', 'ssl.truststore.password': 's3cret' })[0].message, /PEM trust store has no password/)
  assert.match(errorsOf({ 'ssl.truststore.type': 'BKS', 'ssl.truststore.location': '/ca' })[0].message, /must be PEM/)
  // Clashing with librdkafka's own name for the same setting.
  const clash = errorsOf({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/a.pem', 'ssl.ca.location': '/b.pem' })
  assert.deepEqual(clash[0].keys, ['ssl.truststore.location', 'ssl.ca.location'])
})

test('keystores: PKCS12 is librdkafka\'s own, PEM becomes certificate and key settings, JKS is refused with keytool', () => {
  const p12 = resolved({ 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': '/k.p12', 'ssl.keystore.password': 's3cret' })
  assert.equal(p12.librdkafka['ssl.keystore.location'], '/k.p12')
  assert.equal(p12.librdkafka['ssl.keystore.password'], 's3cret')
  const pem = resolved({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': '/client.pem', 'ssl.key.password': 's3cret' })
  assert.equal(pem.librdkafka['ssl.certificate.location'], '/client.pem')
  assert.equal(pem.librdkafka['ssl.key.location'], '/client.pem')
  assert.equal(pem.librdkafka['ssl.key.password'], 's3cret')
  assert.equal(pem.librdkafka['ssl.keystore.location'], undefined)
  const strings = resolved({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': 'KEY', 'ssl.keystore.certificate.chain': 'CHAIN' })
  assert.equal(strings.librdkafka['ssl.key.pem'], 'KEY')
  assert.equal(strings.librdkafka['ssl.certificate.pem'], 'CHAIN')
  assert.match(errorsOf({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': '/c.pem', 'ssl.keystore.password': 's3cret' })[0].message, /ssl\.key\.password/)
  const jks = errorsOf({ 'ssl.keystore.type': 'JKS', 'ssl.keystore.location': '/k.jks', 'ssl.keystore.password': 's3cret' })
  assert.equal(jks.length, 1)
  assert.match(jks[0].message, /keytool -importkeystore -srckeystore \/k\.jks -srcstoretype JKS -destkeystore keystore\.p12 -deststoretype PKCS12/)
})

test('a Java .properties file (SASL_SSL, SCRAM-SHA-256, ScramLoginModule, PEM trust store) passes check-config with its secrets masked', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironkafka-java-props-'))
  const file = path.join(dir, 'producer.properties')
  fs.writeFileSync(file, [
    'bootstrap.servers=broker1:9093,broker2:9093',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-256',
    `sasl.jaas.config=${SCRAM} required \\`,
    '    username="svc-orders" \\',
    '    password="s3cret-Pa55";',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${path.join(dir, 'ca.pem')}`,
    'acks=all',
    '',
  ].join('\n'))
  for (const args of [[file], [file, '--json']]) {
    let out = ''
    let err = ''
    const code = await main(['check-config', ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {} })
    assert.equal(code, 0, out + err)
    assert.ok(!(out + err).includes('s3cret'), `the password is printed:\n${out}${err}`)
    assert.match(out, /svc-orders/)
    assert.match(out, /ssl\.ca\.location/)
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

test('oauthBearerProvider: a function, only with sasl.mechanism=OAUTHBEARER, and not beside another token source', () => {
  const rules = (config) => checkConfig({ ...BASE, 'security.protocol': 'sasl_ssl', ...config }).errors.map((e) => e.rule ?? e.message)
  const provider = async () => ({ value: 't', principal: 'p', lifetime: Date.now() + 60_000 })
  assert.deepEqual(rules({ 'sasl.mechanism': 'OAUTHBEARER', oauthBearerProvider: provider }), [])
  assert.deepEqual(rules({ 'sasl.mechanism': 'PLAIN', oauthBearerProvider: provider }), ['oauthbearer.provider-mechanism'])
  assert.deepEqual(rules({ 'sasl.mechanism': 'OAUTHBEARER', 'enable.sasl.oauthbearer.unsecure.jwt': true, oauthBearerProvider: provider }), ['oauthbearer.provider-unsecure'])
  const notAFunction = checkConfig({ ...BASE, 'sasl.mechanism': 'OAUTHBEARER', oauthBearerProvider: 'token' }).errors
  assert.equal(notAFunction.length, 1)
  assert.match(notAFunction[0].message, /oauthBearerProvider must be an \(async\) function/)
  // The provider is ironkafka's own option: it never reaches librdkafka.
  const ok = checkConfig({ ...BASE, 'sasl.mechanism': 'OAUTHBEARER', oauthBearerProvider: provider })
  assert.equal(ok.resolved.librdkafka.oauthBearerProvider, undefined)
  assert.equal(ok.resolved.oauthBearerProvider, provider)
})

test('saslCredentialsProvider: a function, only with PLAIN or SCRAM', () => {
  const rules = (config) => checkConfig({ ...BASE, 'security.protocol': 'sasl_ssl', ...config }).errors.map((e) => e.rule ?? e.message)
  const provider = async () => ({ username: 'u', password: 'p' })
  for (const m of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) assert.deepEqual(rules({ 'sasl.mechanism': m, saslCredentialsProvider: provider }), [])
  assert.deepEqual(rules({ 'sasl.mechanism': 'OAUTHBEARER', saslCredentialsProvider: provider }), ['sasl.credentials-provider-mechanism'])
  assert.match(checkConfig({ ...BASE, 'sasl.mechanism': 'PLAIN', saslCredentialsProvider: {} }).errors[0].message, /saslCredentialsProvider must be an \(async\) function/)
})
