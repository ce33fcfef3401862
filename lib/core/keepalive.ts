// Keep-alive: a client with pending work holds the event loop (its native wake-up is ref'd)
// and stays reachable, so nothing pending is lost when a script just ends or its object is
// dropped. When the process is forced out (process.exit) with work pending, we say so.

export interface Holder {
  /** What is still pending, for the message at a forced exit. */
  pendingDescription(): string | undefined
}

const held = new Set<Holder>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Only reached when the process is forced out: an ordinary end of script waits, since
  // pending work holds the event loop.
  process.on('exit', () => {
    for (const h of held) {
      const what = h.pendingDescription()
      if (what !== undefined) process.stderr.write(`ironkafka: process exiting with ${what}\n`)
    }
  })
}

export class KeepAlive {
  #held = false

  constructor(
    private readonly holder: Holder,
    private readonly native: { ref(): void; unref(): void },
  ) {}

  hold(): void {
    if (this.#held) return
    this.#held = true
    held.add(this.holder)
    installExitHook()
    this.native.ref()
  }

  release(): void {
    if (!this.#held) return
    this.#held = false
    held.delete(this.holder)
    this.native.unref()
  }
}
