// The committed property table is what the linked librdkafka says about itself, and the
// validator reads every row of it correctly.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { checkConfig } from 'ironkafka'
import { generate, parseProperties, OUTPUT } from '../../scripts/gen-config.mjs'
import { root } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const addon = require('node-gyp-build')(root)
const rows = parseProperties(addon.configProperties())

test('lib/config/librdkafka.generated.ts matches the linked librdkafka (regenerate with scripts/gen-config.mjs)', () => {
  assert.equal(fs.readFileSync(OUTPUT, 'utf8'), generate(addon))
})

test('the table holds librdkafka facts: aliases, ranges, enum values, defaults, scopes', () => {
  const byName = (n, level = 'global') => rows.find((r) => r.name === n && r.level === level)
  assert.deepEqual(
    { alias: byName('linger.ms').alias, min: byName('linger.ms').min, max: byName('linger.ms').max, default: byName('linger.ms').default },
    { alias: 'queue.buffering.max.ms', min: 0, max: 900000, default: 5 },
  )
  assert.equal(byName('acks', 'topic').alias, 'request.required.acks')
  assert.deepEqual(byName('compression.codec').values, ['none', 'gzip', 'snappy', 'lz4', 'zstd'])
  assert.ok(byName('compression.codec', 'topic').values.includes('inherit'))
  assert.equal(byName('enable.idempotence').default, false)
  assert.equal(byName('group.id').scope, 'C')
  assert.equal(byName('dr_msg_cb').type, 'api')
  assert.ok(byName('partitioner', 'topic').values.includes('murmur2_random'))
  assert.ok(rows.length > 150, `${rows.length} rows`)
})

test('every settable producer property accepts its own librdkafka default, and librdkafka agrees', async () => {
  // builtin.features' default lists every feature librdkafka knows, not the ones this build
  // has (a static build has no 'plugins'), so it is not a value to set.
  const managed = new Set(['log.queue', 'enabled_events', 'delivery.report.only.error', 'builtin.features'])
  const seen = new Set()
  let checked = 0
  for (const r of rows) {
    if (r.scope === 'C' || r.type === 'api' || managed.has(r.name) || r.default === undefined || seen.has(r.name)) continue
    seen.add(r.name)
    const report = checkConfig({ [r.name]: String(r.default) })
    const valueErrors = report.errors.filter((e) => e.rule === 'value')
    assert.deepEqual(valueErrors, [], `${r.name}=${r.default}`)
    if (!report.ok) {
      // Only refusals librdkafka shares may happen here: a build- or platform-specific key, or
      // a librdkafka default that conflicts with idempotence (max.in.flight 1000000).
      const rules = report.errors.map((e) => e.rule)
      assert.ok(rules.every((x) => x === 'build-key' || x.startsWith('idempotence.')), `${r.name}: ${JSON.stringify(report.errors)}`)
      assert.notEqual(await addon.checkConfig(['enable.idempotence', 'true', r.name, String(r.default)]), null, r.name)
      continue
    }
    const pairs = [...Object.entries(report.resolved.librdkafka).flat(), 'log.queue', 'true']
    assert.equal(await addon.checkConfig(pairs), null, `${r.name}=${r.default}`)
    checked++
  }
  assert.ok(checked > 80, `only ${checked} properties checked`)
})

test('every range boundary is accepted and one past it is refused, by both', async () => {
  let checked = 0
  const seen = new Set()
  for (const r of rows) {
    if (r.scope === 'C' || r.type !== 'integer' || r.alias || seen.has(r.name)) continue
    // acks: ironkafka allows only all/-1, 0, 1 (brokers refuse more); librdkafka's range is wider.
    if (['enabled_events', 'request.required.acks'].includes(r.name)) continue
    seen.add(r.name)
    if (checkConfig({ [r.name]: r.min }).errors.some((e) => e.rule === 'build-key')) {
      // Not in this build: librdkafka must refuse it as well.
      assert.notEqual(await addon.checkConfig([r.name, String(r.min)]), null, `librdkafka accepted ${r.name}`)
      continue
    }
    for (const [v, good] of [[r.min, true], [r.max, true], [r.min - 1, false], [r.max + 1, false]]) {
      const report = checkConfig({ [r.name]: v })
      const valueError = report.errors.some((e) => e.rule === 'value')
      assert.equal(valueError, !good, `${r.name}=${v}: ${JSON.stringify(report.errors)}`)
      if (!good) assert.notEqual(await addon.checkConfig([r.name, String(v)]), null, `librdkafka accepted ${r.name}=${v}`)
    }
    checked++
  }
  assert.ok(checked > 40, `only ${checked} integer properties`)
})

test('every producer-side librdkafka name is recognised as such (never unknown, Java-only or consumer-only)', () => {
  const managed = new Set(['log.queue', 'enabled_events', 'delivery.report.only.error'])
  for (const r of rows) {
    if (r.scope === 'C' || r.type === 'api' || managed.has(r.name)) continue
    const errors = checkConfig({ [r.name]: 'x' }).errors
    const keyErrors = errors.filter((e) => ['unknown-key', 'java-only-key', 'consumer-key'].includes(e.rule))
    assert.deepEqual(keyErrors, [], r.name)
  }
})
