// Draws bench/chart.svg from a results file of bench/run.mjs: records/s per send method and
// value size, ironkafka beside librdkafka in C from the same run (medians), with the ratio.
// Usage: node bench/chart.mjs [results.json] [out.svg]
import * as fs from 'node:fs'
import * as path from 'node:path'

const here = path.dirname(new URL(import.meta.url).pathname)
const input = process.argv[2] ?? path.join(here, 'results', 'recorded.json')
const output = process.argv[3] ?? path.join(here, 'chart.svg')
const res = JSON.parse(fs.readFileSync(input, 'utf8'))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const sizes = [...new Set(res.runs.map((r) => r.size))]
const modes = [...new Set(res.runs.filter((r) => r.client === 'ironkafka').map((r) => r.mode))]
const groups = []
for (const size of sizes) {
  const c = median(res.runs.filter((r) => r.size === size && r.mode === 'c').map((r) => r.records_per_sec))
  for (const mode of modes) {
    const rs = res.runs.filter((r) => r.size === size && r.mode === mode)
    groups.push({ label: `${mode}, ${size} B`, c, ik: median(rs.map((r) => r.records_per_sec)), ratio: median(rs.map((r) => r.ratio)) })
  }
}

const W = 760
const left = 150
const barH = 14
const gap = 14
const top = 76
const max = Math.max(...groups.flatMap((g) => [g.c, g.ik]))
const scale = (W - left - 110) / max
const H = top + groups.length * (2 * barH + gap) + 30
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')
const k = (x) => `${Math.round(x / 1000)}k`
const out = []
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`)
out.push(`<rect width="100%" height="100%" fill="#fff"/>`)
out.push(`<text x="10" y="20" font-size="15" font-weight="bold">ironkafka vs librdkafka in C: records/s, a delivery report per record</text>`)
out.push(`<text x="10" y="38" fill="#555">${esc(`median of ${new Set(res.runs.map((r) => r.run)).size} runs, ${res.records} records each; ${res.machine.cores} cores, Node ${res.machine.node}, librdkafka ${res.machine.librdkafka}`)}</text>`)
out.push(`<text x="10" y="54" fill="#555">${esc(res.target)}; idempotent, acks=all</text>`)
out.push(`<rect x="${W - 220}" y="62" width="10" height="10" fill="#9aa5b1"/><text x="${W - 205}" y="71">C (librdkafka)</text>`)
out.push(`<rect x="${W - 115}" y="62" width="10" height="10" fill="#d9480f"/><text x="${W - 100}" y="71">ironkafka</text>`)
groups.forEach((g, i) => {
  const y = top + 8 + i * (2 * barH + gap)
  out.push(`<text x="${left - 8}" y="${y + barH + 4}" text-anchor="end">${esc(g.label)}</text>`)
  out.push(`<rect x="${left}" y="${y}" width="${(g.c * scale).toFixed(1)}" height="${barH}" fill="#9aa5b1"/>`)
  out.push(`<text x="${left + g.c * scale + 4}" y="${y + 11}" fill="#333">${k(g.c)}</text>`)
  out.push(`<rect x="${left}" y="${y + barH}" width="${(g.ik * scale).toFixed(1)}" height="${barH}" fill="#d9480f"/>`)
  out.push(`<text x="${left + g.ik * scale + 4}" y="${y + barH + 11}" fill="#333">${k(g.ik)} (${g.ratio.toFixed(2)}x C)</text>`)
})
out.push('</svg>')
fs.writeFileSync(output, out.join('\n') + '\n')
console.log(`wrote ${path.relative(process.cwd(), output)}`)
