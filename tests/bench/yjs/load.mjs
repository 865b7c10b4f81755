// The load client of tests/bench/yjs_fanout.py: N y-websocket clients in one Node process, each typing
// `rate` edits a second into one room for `seconds`, timing every (edit, other client) delivery.
//
//   node load.mjs '{"url": "ws://127.0.0.1:8000/ws/scripts/3", "clients": 50, "seconds": 30, ...}'
//
// Each client has its own yjs document (holding only its own text) and makes real Yjs updates with it:
// every edit appends a marker `~CCCC.SSSSSS~` (client, sequence number). Incoming updates are never
// applied: the client only looks for markers in the bytes of each update frame it receives, so the
// load client stays cheap at 200 clients and the same bytes are recognised whichever server re-encodes
// them. The sockets are raw TCP with a minimal RFC 6455 framing (masked client frames, ping → pong),
// and a frame is stamped when its TCP chunk arrives. The server's CPU and memory are read from
// /proc/<serverPid>; the result is one JSON object on stdout.

import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import { performance } from 'node:perf_hooks'

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

const cfg = JSON.parse(process.argv[2])
const N = cfg.clients
const PER = Math.round(cfg.seconds * cfg.rate) // edits per client
const PERIOD = 1000 / cfg.rate
const DRAIN_MS = (cfg.drainSeconds ?? 20) * 1000
const target = new URL(cfg.url)
const headers = [
  `GET ${target.pathname} HTTP/1.1`, `Host: ${target.host}`, 'Upgrade: websocket', 'Connection: Upgrade',
  'Sec-WebSocket-Version: 13', `Origin: ${cfg.origin}`, ...(cfg.cookie ? [`Cookie: ${cfg.cookie}`] : [])
]

const MESSAGE_SYNC = 0
const TILDE = 0x7e
const DOT = 0x2e

// --- bookkeeping of every (edit, receiver) pair ------------------------------------------------

const sentAt = new Float64Array(N * PER) // edit e = client * PER + seq
const got = new Uint8Array(N * PER * N) // [e * N + receiver]
const latencies = new Float64Array(N * PER * (N - 1))
const slowest = new Float32Array(N * PER) // per edit, its slowest delivery so far (for cfg.trace)
let delivered = 0
let duplicates = 0
let sent = 0
let lastDelivery = 0
const sendLags = new Float64Array(N * PER) // how late each edit left, after its turn: the client's own lag
let fragmented = 0
const closes = {}

const marker = (client, seq) => `~${String(client).padStart(4, '0')}.${String(seq).padStart(6, '0')}~`

function digits (buf, at, count) {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const d = buf[i] - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
}

/** Every marker in buf[start, end): a delivery to `receiver`, stamped `now`. */
function scan (buf, start, end, now, receiver) {
  let i = buf.indexOf(TILDE, start)
  while (i !== -1 && i + 12 < end) {
    if (buf[i + 5] === DOT && buf[i + 12] === TILDE) {
      const client = digits(buf, i + 1, 4)
      const seq = digits(buf, i + 6, 6)
      if (client >= 0 && client < N && seq >= 0 && seq < PER) {
        if (client !== receiver) record(client * PER + seq, receiver, now) // a server may echo the sender's own
        i = buf.indexOf(TILDE, i + 13)
        continue
      }
    }
    i = buf.indexOf(TILDE, i + 1)
  }
}

function record (edit, receiver, now) {
  const k = edit * N + receiver
  if (got[k]) {
    duplicates++
    return
  }
  got[k] = 1
  const latency = now - sentAt[edit]
  latencies[delivered++] = latency
  if (latency > slowest[edit]) slowest[edit] = latency
  lastDelivery = now
}

const READ = Buffer.allocUnsafe(256 * 1024) // shared by every socket's reads: processed at once, never kept
let pool = crypto.randomBytes(65536)
let poolAt = 0

/** A fresh random masking key at frame[at, at + 4), from a pool of random bytes. */
function maskKey (frame, at) {
  if (poolAt + 4 > pool.length) {
    pool = crypto.randomBytes(65536)
    poolAt = 0
  }
  pool.copy(frame, at, poolAt, poolAt + 4)
  poolAt += 4
}

// --- one client --------------------------------------------------------------------------------

class Client {
  constructor (index) {
    this.index = index
    this.doc = new Y.Doc()
    this.text = this.doc.getText('fountain')
    this.length = 0
    this.seq = 0
    this.update = null
    this.doc.on('update', update => { this.update = update })
    this.rest = null
    this.open = false
    this.closing = false
  }

  connect () {
    return new Promise((resolve, reject) => {
      this.synced = resolve
      const key = crypto.randomBytes(16).toString('base64')
      // onread: every socket reads into one shared buffer, with no stream machinery per chunk
      const sock = net.connect({
        host: target.hostname,
        port: Number(target.port),
        onread: { buffer: READ, callback: (size, buf) => this.read(buf.subarray(0, size)) }
      })
      this.sock = sock
      this.head = Buffer.alloc(0)
      this.reject = reject
      sock.setNoDelay(true)
      sock.on('connect', () => sock.write([...headers, `Sec-WebSocket-Key: ${key}`, '', ''].join('\r\n')))
      sock.on('error', err => {
        if (!this.open) reject(err)
        else closes[`error ${err.code}`] = (closes[`error ${err.code}`] || 0) + 1
      })
      sock.on('close', () => {
        if (!this.closing) closes.unexpected = (closes.unexpected || 0) + 1
      })
    })
  }

  read (chunk) {
    const now = performance.now()
    if (!this.open) {
      this.head = Buffer.concat([this.head, chunk])
      const end = this.head.indexOf('\r\n\r\n')
      if (end === -1) return
      const status = this.head.subarray(0, this.head.indexOf('\r\n')).toString('latin1')
      if (!/^HTTP\/1\.1 101/.test(status)) {
        this.sock.destroy()
        return this.reject(new Error(`client ${this.index}: ${status}`))
      }
      this.open = true
      const encoder = encoding.createEncoder() // as WebsocketProvider does: our sync step 1 first
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      syncProtocol.writeSyncStep1(encoder, this.doc)
      this.send(encoding.toUint8Array(encoder))
      chunk = this.head.subarray(end + 4)
      if (chunk.length === 0) return
    }
    this.feed(chunk, now)
  }

  feed (chunk, now) {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = null
    let pos = 0
    while (buf.length - pos >= 2) {
      const b1 = buf[pos + 1]
      let length = b1 & 0x7f
      let header = 2
      if (length === 126) {
        if (buf.length - pos < 4) break
        length = buf.readUInt16BE(pos + 2)
        header = 4
      } else if (length === 127) {
        if (buf.length - pos < 10) break
        length = Number(buf.readBigUInt64BE(pos + 2))
        header = 10
      }
      if (buf.length - pos < header + length) break
      this.frame(buf[pos] & 0x0f, buf, pos + header, pos + header + length, now)
      pos += header + length
    }
    if (pos < buf.length) this.rest = Buffer.from(buf.subarray(pos))
  }

  frame (opcode, buf, start, end, now) {
    if (opcode === 0x2 || opcode === 0x0) {
      if (opcode === 0x0) fragmented++
      if (buf[start] !== MESSAGE_SYNC || end - start < 2) return // awareness and the rest: not ours to time
      const sync = buf[start + 1]
      if (sync === syncProtocol.messageYjsSyncStep1) {
        const decoder = decoding.createDecoder(buf.subarray(start + 2, end))
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, MESSAGE_SYNC)
        syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder))
        this.send(encoding.toUint8Array(encoder))
      } else {
        if (sync === syncProtocol.messageYjsSyncStep2 && this.synced) {
          this.synced()
          this.synced = null
        }
        scan(buf, start + 2, end, now, this.index)
      }
    } else if (opcode === 0x8) {
      const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005
      if (!this.closing) closes[code] = (closes[code] || 0) + 1
      this.closing = true
      this.sock.end()
    } else if (opcode === 0x9) {
      this.send(buf.subarray(start, end), 0xa)
    }
  }

  send (payload, opcode = 0x2) {
    const length = payload.length
    const header = length < 126 ? 2 : length < 65536 ? 4 : 10
    const frame = Buffer.allocUnsafe(header + 4 + length)
    frame[0] = 0x80 | opcode
    if (header === 2) frame[1] = 0x80 | length
    else if (header === 4) {
      frame[1] = 0x80 | 126
      frame.writeUInt16BE(length, 2)
    } else {
      frame[1] = 0x80 | 127
      frame.writeBigUInt64BE(BigInt(length), 2)
    }
    maskKey(frame, header)
    for (let i = 0; i < length; i++) frame[header + 4 + i] = payload[i] ^ frame[header + (i & 3)]
    this.sock.write(frame)
  }

  edit () {
    const seq = this.seq++
    const text = marker(this.index, seq)
    this.text.insert(this.length, text)
    this.length += text.length
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeUpdate(encoder, this.update)
    const message = encoding.toUint8Array(encoder)
    sentAt[this.index * PER + seq] = performance.now()
    this.send(message)
    sent++
  }

  close () {
    this.closing = true
    if (this.open && !this.sock.destroyed) this.send(Buffer.from([0x03, 0xe8]), 0x8) // 1000
    this.sock.end()
    setTimeout(() => this.sock.destroy(), 1000).unref()
  }
}

// --- the server, through /proc ----------------------------------------------------------------------

function cpuSeconds (pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / cfg.clockTicks // utime + stime, all threads
}

/** [busy, all] CPU seconds of the whole machine, every core: to tell whether other processes took a share.
 * Busy is all but idle and iowait (a process's stime includes the interrupt time spent on its watch). */
function machineSeconds () {
  const ticks = fs.readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number)
  const all = ticks.reduce((a, b) => a + b, 0)
  return [(all - ticks[3] - ticks[4]) / cfg.clockTicks, all / cfg.clockTicks]
}

function memoryKiB (pid, name) {
  const match = fs.readFileSync(`/proc/${pid}/status`, 'latin1').match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))
  return match ? Number(match[1]) : null
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// --- the run ---------------------------------------------------------------------------------------

async function main () {
  const pid = cfg.serverPid
  const rssIdle = memoryKiB(pid, 'VmRSS')
  const clients = Array.from({ length: N }, (_, i) => new Client(i))
  const connectStart = performance.now()
  for (let i = 0; i < N; i += 10) { // ten handshakes at a time
    await Promise.all(clients.slice(i, i + 10).map(client => client.connect()))
  }
  const connectSeconds = (performance.now() - connectStart) / 1000
  const rssConnected = memoryKiB(pid, 'VmRSS')
  await sleep(500)

  let rssMax = 0
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, memoryKiB(pid, 'VmRSS')) }, 200)
  const cpu0 = cpuSeconds(pid)
  const ownCpu0 = process.cpuUsage()
  const machine0 = machineSeconds()
  const t0 = performance.now() + 50
  await new Promise(resolve => {
    for (const client of clients) {
      const phase = client.index / N // spread the clients evenly over each period
      const tick = () => {
        sendLags[sent] = performance.now() - (t0 + (phase + client.seq) * PERIOD)
        client.edit()
        if (sent === N * PER) return resolve()
        if (client.seq < PER) setTimeout(tick, Math.max(0, t0 + (phase + client.seq) * PERIOD - performance.now()))
      }
      setTimeout(tick, Math.max(0, t0 + phase * PERIOD - performance.now()))
    }
  })
  const sendEnd = performance.now()
  const expected = N * PER * (N - 1)
  while (delivered < expected && performance.now() - sendEnd < DRAIN_MS) await sleep(5)
  const end = delivered === expected ? lastDelivery : performance.now()
  const cpu1 = cpuSeconds(pid)
  const ownCpu = process.cpuUsage(ownCpu0)
  const machine1 = machineSeconds()
  clearInterval(sampler)
  rssMax = Math.max(rssMax, memoryKiB(pid, 'VmRSS'))
  const rssPeak = memoryKiB(pid, 'VmHWM')
  for (const client of clients) client.close()

  const wall = (end - t0) / 1000
  const sorted = latencies.subarray(0, delivered).sort()
  const pct = (p, values = sorted, count = values.length) => { // null: that rank fell on a lost delivery
    const rank = Math.round(p / 100 * (count - 1))
    return count && rank < values.length ? values[rank] : null
  }
  const lags = sendLags.subarray(0, sent).sort()
  let sum = 0
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]
  const result = {
    clients: N,
    seconds: cfg.seconds,
    rate: cfg.rate,
    edits: sent,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    fragmented,
    closes,
    p50_ms: pct(50, sorted, expected), // over every (edit, receiver) pair: a lost one ranks last
    p90_ms: pct(90, sorted, expected),
    p99_ms: pct(99, sorted, expected),
    max_ms: sorted.length ? sorted[sorted.length - 1] : null,
    mean_ms: sorted.length ? sum / sorted.length : null,
    drain_ms: Math.max(0, end - sendEnd),
    wall_s: wall,
    server_cpu_s: cpu1 - cpu0,
    server_cpu_pct: 100 * (cpu1 - cpu0) / wall,
    server_rss_idle_kib: rssIdle,
    server_rss_connected_kib: rssConnected,
    server_rss_max_kib: rssMax,
    server_rss_peak_kib: rssPeak,
    connect_s: connectSeconds,
    client_cpu_pct: 100 * (ownCpu.user + ownCpu.system) / 1e6 / wall,
    client_cpu_system_pct: 100 * ownCpu.system / 1e6 / wall,
    // the machine's busy time less the server's and ours: other processes (and the hypervisor's steal); 100 = a core
    others_cpu_pct: 100 * ((machine1[0] - machine0[0]) - (cpu1 - cpu0) - (ownCpu.user + ownCpu.system) / 1e6) / wall,
    client_send_lag_p99_ms: pct(99, lags),
    client_send_lag_max_ms: lags.length ? lags[lags.length - 1] : null
  }
  if (cfg.trace) { // one line an edit, in the order they were sent: when (ms after the start), slowest delivery
    const order = Array.from(sentAt.keys()).sort((a, b) => sentAt[a] - sentAt[b])
    fs.writeFileSync(cfg.trace, order.map(e => `${(sentAt[e] - t0).toFixed(1)} ${slowest[e].toFixed(1)}`).join('\n'))
  }
  await sleep(200)
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(0)
}

main().catch(err => {
  console.error(err)
  process.exit(1)
})
