#!/usr/bin/env node
// The `ironkafka` command (npx ironkafka ...). The implementation is lib/cli/main.ts.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { main } = require('../dist/cli/main.js')
process.exitCode = await main(process.argv.slice(2))
