// The package's ESM and CJS entry points both work and share one module instance.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'ironkafka'

const require = createRequire(import.meta.url)

test('ESM import and CJS require expose the same classes', () => {
  const cjs = require('ironkafka')
  for (const name of ['Producer', 'MockCluster', 'KafkaError', 'ClosedError', 'TimeoutError', 'librdkafkaVersion']) {
    assert.equal(typeof esm[name], 'function', `ESM export ${name}`)
    assert.equal(esm[name], cjs[name], `ESM and CJS ${name} are the same object`)
  }
})

test('errors created by the addon are instances of the exported KafkaError', () => {
  const { Producer, KafkaError } = require('ironkafka')
  assert.throws(
    () => new Producer({ 'bootstrap.servers': '127.0.0.1:1', 'no.such.property': 'x' }),
    (err) => err instanceof KafkaError && err.code === '_INVALID_ARG' && /no\.such\.property/.test(err.message),
  )
})
