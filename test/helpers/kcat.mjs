// Independent reader for Kafka contents: kcat (its own librdkafka build, not ours).
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import path from 'node:path'
import { root } from './paths.mjs'

const run = promisify(execFile)

let kcatPath
/** kcat on PATH, or one fetched into the cache without root (scripts/fetch-kcat.sh). */
export function kcat() {
  kcatPath ??= execFileSync('bash', [path.join(root, 'scripts', 'fetch-kcat.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()
  return kcatPath
}

/**
 * Reads every message of `topic` from the beginning to the current end of each partition.
 * Returns kcat's JSON records: { topic, partition, offset, ts, headers, key, payload }.
 */
export async function readTopic(bootstrap, topic, { timeoutMs = 30_000 } = {}) {
  const { stdout } = await run(
    kcat(),
    ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-J', '-X', 'topic.metadata.refresh.interval.ms=1000'],
    { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
  )
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
}
