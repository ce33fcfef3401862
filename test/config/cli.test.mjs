// `ironkafka check-config` as a deploy gate: JSON and .properties files, valid and invalid,
// ${ENV} expansion, exit codes, --json output, secrets never printed.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { Producer, ConfigError } from 'ironkafka'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { parseProperties, expandEnv } from '../../dist/cli/config-file.js'

const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-cli-'))
const bin = path.join(root, 'bin', 'ironkafka.mjs')

function file(name, text) {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}
function cli(args, env = {}, input) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, input, timeout: 30_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test('a valid .properties file (Java names, ${ENV}, continuation, comments) exits 0 and shows the resolved settings', () => {
  const p = file('producer.properties', [
    '# deploy config',
    '! also a comment',
    'bootstrap.servers = ${KAFKA_BROKERS}',
    'client.id: ${CLIENT:-orders-svc}',
    'buffer.memory 33554432',
    'delivery.timeout.ms=120000',
    'linger.ms=\\',
    '    20',
    'sasl.password=${SASL_PASSWORD}',
    'max.block.ms=5000',
    '',
  ].join('\n'))
  const r = cli(['check-config', p], { KAFKA_BROKERS: 'k1:9092,k2:9092', SASL_PASSWORD: 'hunter2' })
  assert.equal(r.code, 0, r.out + r.err)
  assert.match(r.out, /\(properties\): valid, 0 errors, 0 warnings/)
  assert.match(r.out, /metadata\.broker\.list\s+k1:9092,k2:9092\s+user \(bootstrap\.servers\)/)
  assert.match(r.out, /client\.id\s+orders-svc\s+user/)
  assert.match(r.out, /queue\.buffering\.max\.kbytes\s+32768\s+user \(buffer\.memory\)/)
  assert.match(r.out, /queue\.buffering\.max\.ms\s+20\s+user \(linger\.ms\)/)
  assert.match(r.out, /enable\.idempotence\s+true\s+default/)
  assert.match(r.out, /sasl\.password\s+\*\*\*/)
  assert.doesNotMatch(r.out, /hunter2/)
})

test('an invalid .properties file exits 1 and lists every error with its key', () => {
  const p = file('bad.properties', 'bootstrap.servers=k:9092\nacks=1\nlingr.ms=5\ngroup.id=orders\nbatch.size=-1\n')
  const r = cli(['check-config', p])
  assert.equal(r.code, 1, r.out + r.err)
  assert.match(r.out, /INVALID, 4 errors/)
  assert.match(r.out, /error\s+\[acks\].*enable\.idempotence/)
  assert.match(r.out, /error\s+\[lingr\.ms\].*Did you mean linger\.ms\?/)
  assert.match(r.out, /error\s+\[group\.id\].*consumer setting/)
  assert.match(r.out, /error\s+\[batch\.size\].*from 1 to 2147483647/)
})

test('a valid JSON file exits 0; warnings are printed but do not fail the gate', () => {
  const p = file('ok.json', JSON.stringify({ 'bootstrap.servers': ['a:1', 'b:2'], 'enable.idempotence': false, acks: '1', 'max.in.flight.requests.per.connection': 1 }))
  const r = cli(['check-config', p])
  assert.equal(r.code, 0, r.out + r.err)
  assert.match(r.out, /\(json\): valid, 0 errors, 2 warnings/)
  assert.match(r.out, /warning \[acks\].*lost if the leader fails/)
  assert.match(r.out, /warning \[enable\.idempotence\]/)
})

test('an invalid JSON file exits 1; --json gives machine-readable output', () => {
  const p = file('bad.json', JSON.stringify({ 'linger.ms': 10, 'queue.buffering.max.ms': 20, 'bootstrap.servers': '${MISSING_BROKERS}', 'ssl.key.password': 'pw' }))
  const human = cli(['check-config', p])
  assert.equal(human.code, 1)
  const r = cli(['check-config', '--json', p])
  assert.equal(r.code, 1, r.err)
  const j = JSON.parse(r.out)
  assert.equal(j.ok, false)
  assert.equal(j.format, 'json')
  assert.deepEqual(j.errors.map((e) => e.key).sort(), ['bootstrap.servers', 'queue.buffering.max.ms'])
  assert.ok(j.errors.find((e) => e.key === 'bootstrap.servers').message.includes('${MISSING_BROKERS}'))
  assert.deepEqual(j.errors.find((e) => e.key === 'queue.buffering.max.ms').keys, ['linger.ms', 'queue.buffering.max.ms'])
  assert.equal(j.settings['ssl.key.password'].value, '***')
  const ok = JSON.parse(cli(['check-config', '--json', file('ok2.json', '{"bootstrap.servers": "k:9092", "linger.ms": "7"}')]).out)
  assert.equal(ok.ok, true)
  assert.deepEqual(ok.settings['queue.buffering.max.ms'], { value: 7, source: 'user', keys: ['linger.ms'] })
  assert.equal(ok.librdkafka['request.required.acks'], '-1')
})

test('stdin, --format, unreadable files, broken JSON and usage errors have their exit codes', () => {
  assert.equal(cli(['check-config', '-', '--format', 'properties'], {}, 'bootstrap.servers=k:9092\nlinger.ms=5\n').code, 0)
  assert.equal(cli(['check-config', '-'], {}, '{"acks": 0}').code, 1) // detected as JSON: idempotence needs acks=all
  const missing = cli(['check-config', path.join(dir, 'nope.json')])
  assert.equal(missing.code, 2)
  assert.match(missing.err, /cannot read/)
  const broken = cli(['check-config', file('broken.json', '{"linger.ms": ')])
  assert.equal(broken.code, 1)
  assert.match(broken.out, /not valid JSON/)
  assert.match(cli(['check-config', file('arr.json', '[1]')]).out, /must be an object/)
  assert.equal(cli([]).code, 2)
  assert.equal(cli(['frobnicate']).code, 2)
  assert.equal(cli(['check-config']).code, 2)
  assert.equal(cli(['check-config', 'a', 'b']).code, 2)
  assert.equal(cli(['check-config', '--format', 'yaml', 'x']).code, 2)
  assert.equal(cli(['--help']).code, 0)
})

test('duplicate keys in a .properties file: the last wins (as in Java), with a warning', () => {
  const r = cli(['check-config', file('dup.properties', 'bootstrap.servers=k:9092\nlinger.ms=5\nlinger.ms=10\n')])
  assert.equal(r.code, 0)
  assert.match(r.out, /linger\.ms is set on line 2 and again on line 3/)
  assert.match(r.out, /queue\.buffering\.max\.ms\s+10/)
})

test('.properties parsing follows java.util.Properties', () => {
  const entries = parseProperties([
    '  # comment',
    'a=1',
    'b : two words ',
    'c   spaced',
    'd\\:e=colon in key',
    'f=line\\',
    '   continued',
    'g=\\u0041\\tB',
    'h',
    'i=ends with backslash\\\\',
    'j=x',
  ].join('\r\n'))
  const m = Object.fromEntries(entries.map((e) => [e.key, e.value]))
  assert.deepEqual(m, {
    a: '1',
    b: 'two words ',
    c: 'spaced',
    'd:e': 'colon in key',
    f: 'linecontinued',
    g: 'A\tB',
    h: '',
    i: 'ends with backslash\\',
    j: 'x',
  })
  assert.deepEqual(entries.map((e) => e.line), [2, 3, 4, 5, 6, 8, 9, 10, 11])
})

test('${ENV} expansion: set, unset, fallback, empty, escaped', () => {
  const env = { A: 'x', EMPTY: '' }
  assert.deepEqual(expandEnv('${A}:${A}', env), { value: 'x:x', missing: [] })
  assert.deepEqual(expandEnv('${B}', env), { value: '${B}', missing: ['B'] })
  assert.deepEqual(expandEnv('${B:-fb}', env), { value: 'fb', missing: [] })
  assert.deepEqual(expandEnv('${EMPTY:-fb}', env), { value: 'fb', missing: [] })
  assert.deepEqual(expandEnv('[${EMPTY}]', env), { value: '[]', missing: [] })
  assert.deepEqual(expandEnv('$${A}', env), { value: '${A}', missing: [] })
})

test('--help works on every subcommand, and --version prints the package version', () => {
  for (const args of [['--help'], ['check-config', '--help'], ['perf-test', '--help'], ['check-config', '-h']]) {
    const r = cli(args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`)
    assert.match(r.out, /ironkafka check-config/)
  }
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const v = cli(['--version'])
  assert.equal(v.code, 0, v.err)
  assert.equal(v.out.trim(), `ironkafka ${version}`)
})

test('check-config gives the verdict new Producer() gives: what a producer needs counts too', () => {
  for (const config of [{ 'bootstrap.servers': 'k:9092', 'transactional.id': 'tx' }, { 'bootstrap.servers': '' }, { 'bootstrap.servers': 'k:9092', 'buffer.memory': 1 }]) {
    const r = cli(['check-config', file('agree.json', JSON.stringify(config))])
    let producerError
    try {
      new Producer(config)
    } catch (e) {
      producerError = e
    }
    assert.ok(producerError instanceof ConfigError, JSON.stringify(config))
    assert.equal(r.code, 1, `${JSON.stringify(config)}: check-config said ${r.out}`)
  }
})
