// The kcat the tests read Kafka with: the one on PATH, or one fetched into the cache without
// root (scripts/fetch-kcat.sh). Resolved once per process.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

let resolved
export function kcat() {
  resolved ??= execFileSync('bash', [fileURLToPath(new URL('./fetch-kcat.sh', import.meta.url))], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()
  return resolved
}
