// Runs test/fixtures/platform-app.cjs on a target platform and reads its topic back with the
// host's kcat while the app keeps its mock cluster up.
import { spawn } from 'node:child_process'
import { kcat } from '../helpers/kcat.mjs'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileP = promisify(execFile)

/** Spawns `cmd args`, waits for the app's JSON line, reads the topic with kcat, ends the app. */
export function runApp(cmd, args, { timeoutMs = 600_000, ...opts } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts })
    let out = ''
    let err = ''
    let result
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`app timed out after ${timeoutMs} ms; stdout: ${out}; stderr: ${err.slice(-3000)}`))
    }, timeoutMs)
    child.stderr.on('data', (d) => (err += d))
    child.stdout.on('data', async (d) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line || result) return
      result = JSON.parse(line)
      try {
        const { stdout } = await execFileP(kcat(), ['-b', result.bootstrap, '-C', '-t', 'platform', '-o', 'beginning', '-e', '-q', '-f', '%o:%s\\n'], { timeout: 60_000 })
        result.kcat = stdout.trim().split('\n')
      } catch (e) {
        result.kcatError = e.message
      }
      child.stdin.end()
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (!result) reject(new Error(`app exited (${code ?? signal}) without output; stderr: ${err.slice(-3000)}`))
      else resolve({ ...result, code, stderr: err })
    })
  })
}
