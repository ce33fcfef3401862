// One measured ironkafka run, in its own process (bench/run.mjs starts it): argv[2] is the
// JSON of runPerf's options (lib/perf.ts); prints the result as one JSON line.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { runPerf } = require('../dist/cli/perf.js')

const result = await runPerf(JSON.parse(process.argv[2]))
process.stdout.write(JSON.stringify(result) + '\n')
