// Independent reader for Kafka contents: kcat (its own librdkafka build, not ours).
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { kcat } from '../../scripts/kcat-path.mjs'

export { kcat }
const run = promisify(execFile)

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
