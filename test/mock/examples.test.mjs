// The runnable examples (one per send method, and the demo) keep working.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)
const cases = {
  'fire-and-forget.mjs': /^1000 clicks produced$/m,
  'synchronous.mjs': /^order-1 written to orders\[\d\] at offset 0$/m,
  'callback.mjs': /^100 payments acknowledged$/m,
  'demo.mjs': /^delivered 5000 of 5000 messages/m,
}
for (const [file, expected] of Object.entries(cases)) {
  test(`examples/${file} runs and reports its deliveries`, async () => {
    const { stdout, stderr } = await run(process.execPath, [new URL(`../../examples/${file}`, import.meta.url).pathname], { timeout: 60_000 })
    assert.match(stdout, expected)
    assert.equal(stderr, '')
  })
}
