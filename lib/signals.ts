// Closing clients when the process is told to stop (SIGTERM from Kubernetes or Docker, SIGINT
// from a terminal). Node's default for these signals is to exit at once, which leaves every
// pending send unsettled and unreported. A library must not change that by itself: installing
// a listener replaces the default for the whole process, and the application may have its own
// shutdown sequence. So it is opt-in, per client (Producer#closeOnSignals).
//
// One listener per signal serves every client registered for it: on the signal, those close in
// parallel (each flushes up to its deadline, then purges, so every send settles), and only when
// all have closed is the signal raised again with its default action, so the process ends the
// way its supervisor expects (killed by SIGTERM, exit status 143). A second signal while they
// close finds no listener of ours and ends the process at once, as a second Ctrl-C should.
import { constants } from 'node:os'

export interface Closable {
  close(options: { timeoutMs?: number }): Promise<void>
}

export interface CloseOnSignalsOptions {
  /** The signals to close on (default SIGTERM and SIGINT). */
  signals?: readonly NodeJS.Signals[]
  /**
   * How long close() may flush before it purges (default 25000 ms: inside Kubernetes' default
   * terminationGracePeriodSeconds of 30 s, with time left to settle and exit).
   */
  timeoutMs?: number
}

const registered = new Map<Closable, { timeoutMs: number; signals: ReadonlySet<NodeJS.Signals> }>()
const listening = new Map<NodeJS.Signals, () => void>()

/** Listens to exactly the signals some registered client asked for. */
function syncListeners(): void {
  const wanted = new Set([...registered.values()].flatMap((r) => [...r.signals]))
  for (const [s, listener] of listening) {
    if (!wanted.has(s)) {
      process.removeListener(s, listener)
      listening.delete(s)
    }
  }
  for (const s of wanted) {
    if (listening.has(s)) continue
    const listener = () => onSignal(s)
    listening.set(s, listener)
    process.on(s, listener)
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const clients = [...registered].filter(([, r]) => r.signals.has(signal))
  for (const [client] of clients) registered.delete(client)
  syncListeners()
  void Promise.allSettled(
    clients.map(([client, { timeoutMs }]) =>
      client.close({ timeoutMs }).catch((err: unknown) => {
        process.stderr.write(`ironkafka: ${signal}: close failed: ${err instanceof Error ? err.message : String(err)}\n`)
      }),
    ),
  ).then(() => {
    // Another part of the application may handle this signal itself; then it decides.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  })
}

/** Registers `client` to be closed on the signals; returns a function that unregisters it. */
export function closeOnSignals(client: Closable, options: CloseOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT']
  const timeoutMs = options.timeoutMs ?? 25_000
  if (!Array.isArray(signals) || signals.length === 0 || !signals.every((s) => typeof s === 'string' && Object.hasOwn(constants.signals, s))) {
    throw new TypeError(`closeOnSignals: signals must be a non-empty array of signal names such as 'SIGTERM'; got ${JSON.stringify(signals)}`)
  }
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`closeOnSignals: timeoutMs must be a finite number >= 0; got ${String(timeoutMs)}`)
  }
  registered.set(client, { timeoutMs, signals: new Set(signals) })
  syncListeners()
  return () => {
    if (registered.delete(client)) syncListeners()
  }
}
