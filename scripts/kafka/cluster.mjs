// Starts and controls a real Apache Kafka cluster (KRaft, combined broker+controller nodes,
// static voters, loopback ports) for the real-broker tests. With `dedicatedController` the
// brokers are broker-only and one extra controller-only node (id 100) holds the quorum, so
// brokers can be stopped without losing it (the controller then shrinks ISRs). Jars come from fetch.sh (Maven
// Central, pinned by checksum). Every wait is a bounded poll; nothing sleeps a fixed time.
//
//   const k = await KafkaCluster.start({ nodes: 3 })
//   k.bootstrapServers; await k.createTopic('t', { partitions: 6, replicationFactor: 3 })
//   k.kill(2); k.pause(1); k.resume(1); await k.restart(2); await k.stop()
//
// CLI: node scripts/kafka/cluster.mjs [--nodes N]  (runs until Ctrl-C, printing the bootstrap)
import { spawn, execFileSync, execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { kcat } from '../kcat-path.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)
const live = new Set()
process.on('exit', () => {
  // A test runner that dies must not leave JVMs behind.
  for (const c of live) for (const n of c.nodes) if (n.proc && n.proc.exitCode === null) n.proc.kill('SIGKILL')
})

let libsDir
export function kafkaLibs() {
  libsDir ??= execFileSync('bash', [path.join(here, 'fetch.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
  return libsDir
}

/**
 * The kernel's ephemeral port range: outgoing connections take their local port from it.
 * A broker listening on such a port can find it taken when it restarts (an outgoing
 * connection got it meanwhile) and fail to start, and a client reconnecting to a stopped
 * broker can even connect to itself (TCP self-connect on loopback). So listen ports are
 * chosen below this range.
 */
function ephemeralRange() {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    if (lo > 0 && hi >= lo) return [lo, hi]
  } catch {}
  return [32768, 60999]
}

const taken = new Set()
async function freePort() {
  const [lo] = ephemeralRange()
  const from = Math.min(20000, lo - 2000)
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (lo - from))
    if (taken.has(port)) continue
    const free = await new Promise((resolve) => {
      const s = net.createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
    if (free) {
      taken.add(port)
      return port
    }
  }
  throw new Error(`no free port found in ${from}-${lo - 1}`)
}

export async function waitUntil(cond, { timeoutMs = 60_000, intervalMs = 200, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      if (await cond()) return
    } catch (e) {
      if (e.fatal) throw e // no point in waiting any longer
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

function java(libs, mainClass, args, opts = {}) {
  return [
    '-Xms64m', `-Xmx${opts.heap ?? '256m'}`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...(opts.jvm ?? []),
    '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${path.join(here, 'log4j2.properties')}`,
    '-cp', `${libs}/*`, mainClass, ...args,
  ]
}

export class KafkaCluster {
  /**
   * `ssl.keystore`: a PEM file (unencrypted private key and certificate chain); each broker then
   * also listens for TLS clients (sslBootstrapServers) beside its PLAINTEXT listener.
   * `security` adds the secured listeners (listenerServers(name)) beside PLAINTEXT, which
   * stays for kcat and the tools:
   *   keystore     the brokers' PEM key store: listeners SSL, SASL_SSL and, with truststore, MTLS
   *   truststore   the CA (PEM) client certificates must chain to on MTLS (ssl.client.auth=required)
   *   keystores    { NAME: PEM key store }: one more SSL listener per entry, serving that certificate
   *   users        { name: password }: PLAIN users (the listeners' JAAS) and SCRAM-SHA-256/512
   *                users (created at format time); with them listeners SASL_PLAINTEXT and SASL_SSL
   *   oauthbearer  OAUTHBEARER on SASL_PLAINTEXT too, checked by Kafka's unsecured validator
   *   reauthMs     how often the broker makes SASL connections authenticate again
   *   oidc         { jwksUrl, audience }: listener SASL_OIDC (SASL_PLAINTEXT, OAUTHBEARER) whose
   *                tokens Kafka's JWT validator checks against the keys that URL serves
   * @param {{ nodes?: number, dedicatedController?: boolean, brokerConfig?: Record<string, string|number|boolean>, heap?: string, ssl?: { keystore: string },
   *   security?: { keystore?: string, truststore?: string, keystores?: Record<string, string>, users?: Record<string, string>, oauthbearer?: boolean, reauthMs?: number, oidc?: { jwksUrl: string, audience: string } } }} opts
   */
  static async start(opts = {}) {
    const c = new KafkaCluster(opts)
    await c.#init()
    return c
  }

  constructor({ nodes = 1, dedicatedController = false, brokerConfig = {}, heap = '384m', ssl, security } = {}) {
    this.size = nodes
    this.ssl = ssl
    this.security = security ?? (ssl ? { keystore: ssl.keystore } : undefined)
    this.dedicatedController = dedicatedController
    this.brokerConfig = brokerConfig
    this.heap = heap
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironkafka-kafka-'))
    this.nodes = []
  }

  /** The broker nodes (a dedicated controller serves no clients). */
  get brokers() {
    return this.nodes.filter((n) => n.broker)
  }

  get bootstrapServers() {
    return this.brokers.map((n) => `127.0.0.1:${n.port}`).join(',')
  }

  /** The brokers' TLS listeners (with the ssl option). */
  get sslBootstrapServers() {
    return this.listenerServers('SSL')
  }

  /** The brokers' addresses on the named listener (see `security`). */
  listenerServers(name) {
    if (!this.listeners.some((l) => l.name === name)) throw new Error(`no ${name} listener (listeners: ${this.listeners.map((l) => l.name).join(', ')})`)
    return this.brokers.map((n) => `127.0.0.1:${n.ports[name]}`).join(',')
  }

  /** The secured listeners: name, protocol, and the broker settings scoped to it. */
  #securedListeners() {
    const sec = this.security
    if (!sec) return []
    const out = []
    const sasl = (name) => {
      const p = `listener.name.${name.toLowerCase()}`
      const users = Object.entries(sec.users)
      const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', ...(sec.oauthbearer && name === 'SASL_PLAINTEXT' ? ['OAUTHBEARER'] : [])]
      const config = {
        [`${p}.sasl.enabled.mechanisms`]: mechanisms.join(','),
        [`${p}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${users.map(([u, pw]) => `user_${u}="${pw}"`).join(' ')};`,
        [`${p}.scram-sha-256.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
        [`${p}.scram-sha-512.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      }
      if (mechanisms.includes('OAUTHBEARER')) config[`${p}.oauthbearer.sasl.jaas.config`] = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;'
      // The broker makes each connection authenticate again this often (KIP-368): a client
      // whose token expired, or whose password was changed, is refused at the next one.
      if (sec.reauthMs) for (const m of mechanisms) config[`${p}.${m.toLowerCase()}.connections.max.reauth.ms`] = sec.reauthMs
      return config
    }
    if (sec.keystore) out.push({ name: 'SSL', protocol: 'SSL', config: {} })
    if (sec.keystore && sec.truststore) out.push({ name: 'MTLS', protocol: 'SSL', config: { 'listener.name.mtls.ssl.client.auth': 'required' } })
    for (const [name, keystore] of Object.entries(sec.keystores ?? {})) {
      out.push({ name, protocol: 'SSL', config: { [`listener.name.${name.toLowerCase()}.ssl.keystore.type`]: 'PEM', [`listener.name.${name.toLowerCase()}.ssl.keystore.location`]: keystore } })
    }
    if (sec.users) {
      out.push({ name: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT', config: sasl('SASL_PLAINTEXT') })
      if (sec.keystore) out.push({ name: 'SASL_SSL', protocol: 'SASL_SSL', config: sasl('SASL_SSL') })
    }
    if (sec.oidc) {
      const p = 'listener.name.sasl_oidc'
      out.push({
        name: 'SASL_OIDC',
        protocol: 'SASL_PLAINTEXT',
        config: {
          [`${p}.sasl.enabled.mechanisms`]: 'OAUTHBEARER',
          [`${p}.oauthbearer.sasl.jaas.config`]: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
          [`${p}.oauthbearer.sasl.server.callback.handler.class`]: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
          // Read by that validator only (the other listeners' unsecured validator ignores them).
          'sasl.oauthbearer.jwks.endpoint.url': sec.oidc.jwksUrl,
          'sasl.oauthbearer.expected.audience': sec.oidc.audience,
          ...(sec.reauthMs ? { [`${p}.oauthbearer.connections.max.reauth.ms`]: sec.reauthMs } : {}),
        },
      })
    }
    return out
  }

  async #init() {
    this.libs = kafkaLibs()
    this.listeners = this.#securedListeners()
    for (let id = 1; id <= this.size; id++) {
      const ports = {}
      for (const l of this.listeners) ports[l.name] = await freePort()
      this.nodes.push({ id, broker: true, controller: !this.dedicatedController, port: await freePort(), ports, controllerPort: await freePort(), proc: null, dir: path.join(this.dir, `node${id}`) })
    }
    if (this.dedicatedController) {
      this.nodes.push({ id: 100, broker: false, controller: true, controllerPort: await freePort(), proc: null, dir: path.join(this.dir, 'controller') })
    }
    const clusterId = randomBytes(16).toString('base64url')
    const voters = this.nodes.filter((n) => n.controller).map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',')
    const rf = Math.min(3, this.size)
    for (const n of this.nodes) {
      fs.mkdirSync(n.dir, { recursive: true })
      const listeners = []
      if (n.broker) listeners.push(`PLAINTEXT://127.0.0.1:${n.port}`)
      const advertised = [...listeners]
      if (n.broker) {
        for (const l of this.listeners) {
          listeners.push(`${l.name}://127.0.0.1:${n.ports[l.name]}`)
          advertised.push(`${l.name}://127.0.0.1:${n.ports[l.name]}`)
        }
      }
      const sec = this.security
      if (n.controller) listeners.push(`CONTROLLER://127.0.0.1:${n.controllerPort}`)
      const config = {
        'process.roles': [n.broker && 'broker', n.controller && 'controller'].filter(Boolean).join(','),
        'node.id': n.id,
        'controller.quorum.voters': voters,
        listeners: listeners.join(','),
        ...(n.broker ? { 'advertised.listeners': advertised.join(','), 'inter.broker.listener.name': 'PLAINTEXT' } : {}),
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map': ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...this.listeners.map((l) => `${l.name}:${l.protocol}`)].join(','),
        ...(sec?.keystore ? { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': sec.keystore } : {}),
        ...(sec?.truststore ? { 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': sec.truststore } : {}),
        ...(n.broker ? Object.assign({}, ...this.listeners.map((l) => l.config)) : {}),
        'log.dirs': path.join(n.dir, 'data'),
        'num.partitions': 1,
        'default.replication.factor': rf,
        'min.insync.replicas': rf === 3 ? 2 : 1,
        'offsets.topic.replication.factor': rf,
        'transaction.state.log.replication.factor': rf,
        'transaction.state.log.min.isr': rf === 3 ? 2 : 1,
        'unclean.leader.election.enable': false,
        'auto.create.topics.enable': false,
        'group.initial.rebalance.delay.ms': 0,
        'num.network.threads': 2,
        'num.io.threads': 2,
        'log.segment.bytes': 16 * 1024 * 1024,
        ...this.brokerConfig,
      }
      n.configFile = path.join(n.dir, 'server.properties')
      fs.writeFileSync(n.configFile, Object.entries(config).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
      // SCRAM credentials live in the metadata log: written at format time, before any broker runs.
      const scram = Object.entries(sec?.users ?? {}).flatMap(([u, pw]) => ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u},password=${pw}]`]))
      await run('java', java(this.libs, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', n.configFile, '--ignore-formatted', ...scram], { heap: '128m' }), {
        timeout: 120_000,
      })
    }
    live.add(this)
    for (const n of this.nodes) this.#spawn(n)
    await this.waitReady()
  }

  #spawn(n) {
    n.wantUp = true
    const log = fs.openSync(path.join(n.dir, 'server.log'), 'a')
    // Kafka fetches JWKS only from URLs this system property allows.
    const jvm = this.security?.oidc ? [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${this.security.oidc.jwksUrl}`] : []
    n.proc = spawn('java', java(this.libs, 'kafka.Kafka', [n.configFile], { heap: this.heap, jvm }), { stdio: ['ignore', log, log] })
    fs.closeSync(log)
    n.proc.on('exit', () => {})
  }

  node(id) {
    const n = this.nodes.find((x) => x.id === id)
    if (!n) throw new Error(`no node ${id}`)
    return n
  }

  /** Metadata as kcat sees it from the given (or any live) broker. */
  async metadata(topic, { from } = {}) {
    const bs = from ? `127.0.0.1:${this.node(from).port}` : this.bootstrapServers
    const args = ['-b', bs, '-L', '-J', '-m', '5']
    if (topic) args.push('-t', topic)
    const { stdout } = await run(kcat(), args, { timeout: 20_000 })
    return JSON.parse(stdout)
  }

  /** Waits until every running node answers metadata and lists all running brokers. */
  async waitReady({ timeoutMs = 120_000 } = {}) {
    const running = this.brokers.filter((n) => n.proc && n.proc.exitCode === null && !n.paused)
    await waitUntil(async () => {
      this.#assertAlive()
      for (const n of running) {
        const md = await this.metadata(undefined, { from: n.id })
        if (md.brokers.length < running.length) return false
      }
      return true
    }, { timeoutMs, what: `${running.length} broker(s) ready (logs in ${this.dir})` })
  }

  /**
   * Throws when a node that was started (and not since stopped or killed) has exited: e.g. it
   * could not bind its port. Without this a dead node would silently leave a smaller cluster.
   */
  #assertAlive() {
    for (const n of this.nodes) {
      if (!n.wantUp || !n.proc || (n.proc.exitCode === null && n.proc.signalCode === null)) continue
      const log = fs.readFileSync(path.join(n.dir, 'server.log'), 'utf8').split('\n')
      const tail = log.filter((l) => /ERROR|FATAL|Exception/.test(l)).slice(-5).join('\n') || log.slice(-5).join('\n')
      const err = new Error(`Kafka node ${n.id} exited (code ${n.proc.exitCode}, signal ${n.proc.signalCode}):\n${tail}`)
      err.fatal = true
      throw err
    }
  }

  async createTopic(name, { partitions = 1, replicationFactor = Math.min(3, this.size), config = {} } = {}) {
    const args = ['--bootstrap-server', this.bootstrapServers, '--create', '--topic', name, '--partitions', String(partitions), '--replication-factor', String(replicationFactor)]
    for (const [k, v] of Object.entries(config)) args.push('--config', `${k}=${v}`)
    await run('java', java(this.libs, 'org.apache.kafka.tools.TopicCommand', args, { heap: '128m' }), { timeout: 120_000 })
    await this.waitLeaders(name, partitions)
  }

  /** Waits until each partition of the topic has a leader and a full ISR. */
  async waitLeaders(topic, partitions, { timeoutMs = 60_000, fullIsr = true } = {}) {
    await waitUntil(async () => {
      this.#assertAlive()
      const md = await this.metadata(topic)
      const t = md.topics.find((x) => x.topic === topic)
      if (!t || t.partitions.length < partitions) return false
      return t.partitions.every((p) => p.leader >= 0 && (!fullIsr || p.isrs.length === p.replicas.length))
    }, { timeoutMs, what: `leaders of ${topic}` })
  }

  async leaderOf(topic, partition) {
    const md = await this.metadata(topic)
    return md.topics.find((x) => x.topic === topic).partitions.find((p) => p.partition === partition).leader
  }

  kill(id) {
    this.node(id).wantUp = false
    this.#signal(id, 'SIGKILL')
  }

  pause(id) {
    this.#signal(id, 'SIGSTOP')
    this.node(id).paused = true
  }

  resume(id) {
    this.#signal(id, 'SIGCONT')
    this.node(id).paused = false
  }

  #signal(id, sig) {
    const n = this.node(id)
    if (n.proc && n.proc.exitCode === null) n.proc.kill(sig)
  }

  /** Graceful stop of one node (SIGTERM, bounded wait, then SIGKILL). */
  async stopNode(id, { timeoutMs = 60_000 } = {}) {
    const n = this.node(id)
    n.wantUp = false
    if (!n.proc || n.proc.exitCode !== null || n.proc.signalCode !== null) return
    if (n.paused) this.resume(id)
    const exited = new Promise((r) => n.proc.once('exit', r))
    n.proc.kill('SIGTERM')
    const timer = setTimeout(() => n.proc.kill('SIGKILL'), timeoutMs)
    await exited
    clearTimeout(timer)
  }

  /** Starts a stopped or killed node again and waits until the cluster sees it. */
  async startNode(id, { wait = true } = {}) {
    const n = this.node(id)
    if (n.proc && n.proc.exitCode === null && n.proc.signalCode === null) return
    this.#spawn(n)
    if (wait) await this.waitReady()
  }

  async waitExit(id, { timeoutMs = 30_000 } = {}) {
    const n = this.node(id)
    await waitUntil(() => n.proc.exitCode !== null || n.proc.signalCode !== null, { timeoutMs, what: `node ${id} to exit` })
  }

  /**
   * The producer state a partition's leader holds (TransactionsCommand describe-producers):
   * [{ producerId, epoch, lastSequence, lastTimestamp }].
   */
  async describeProducers(topic, partition) {
    const args = ['--bootstrap-server', this.bootstrapServers, 'describe-producers', '--topic', topic, '--partition', String(partition)]
    const { stdout } = await run('java', java(this.libs, 'org.apache.kafka.tools.TransactionsCommand', args, { heap: '128m' }), { timeout: 60_000 })
    // A header line, then one whitespace-separated row per producer.
    const [header, ...rows] = stdout.trim().split('\n').filter((l) => l.trim() !== '')
    if (!header?.startsWith('ProducerId')) throw new Error(`describe-producers: unexpected output ${stdout}`)
    return rows.map((r) => {
      const [producerId, epoch, , lastSequence, lastTimestamp] = r.trim().split(/\s+/)
      return { producerId: Number(producerId), epoch: Number(epoch), lastSequence: Number(lastSequence), lastTimestamp: Number(lastTimestamp) }
    })
  }

  /** Sets a SCRAM user's password on the running cluster (kafka-configs --alter, both mechanisms). */
  async setScramPassword(user, password) {
    // One mechanism per request: Kafka refuses two changes to one user's credentials in one.
    for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      const args = ['--bootstrap-server', this.bootstrapServers, '--entity-type', 'users', '--entity-name', user, '--alter', '--add-config', `${m}=[password=${password}]`]
      await run('java', java(this.libs, 'kafka.admin.ConfigCommand', args, { heap: '128m' }), { timeout: 60_000 })
    }
  }

  /** Sets cluster-wide dynamic broker defaults (ConfigCommand --entity-default). */
  async setBrokerDefaults(config) {
    const pairs = Object.entries(config).map(([k, v]) => `${k}=${v}`).join(',')
    const args = ['--bootstrap-server', this.bootstrapServers, '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', pairs]
    await run('java', java(this.libs, 'kafka.admin.ConfigCommand', args, { heap: '128m' }), { timeout: 60_000 })
  }

  async stop() {
    for (const n of this.nodes) if (n.paused) this.resume(n.id)
    // Brokers first: their controlled shutdown talks to the controller quorum.
    await Promise.all(this.brokers.map((n) => this.stopNode(n.id, { timeoutMs: 20_000 })))
    await Promise.all(this.nodes.map((n) => this.stopNode(n.id, { timeoutMs: 20_000 })))
    live.delete(this)
    if (!process.env.IRONKAFKA_KEEP_KAFKA_DIR) fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--nodes')
  const nodes = i > 0 ? Number(process.argv[i + 1]) : 1
  const c = await KafkaCluster.start({ nodes })
  console.log(`Kafka ${nodes}-node cluster: ${c.bootstrapServers} (data in ${c.dir}); Ctrl-C stops it`)
  process.on('SIGINT', () => c.stop().then(() => process.exit(0)))
}
