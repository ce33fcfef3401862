// Kafka's default partitioner for keyed records, written from the algorithm's definition
// (murmur2, seed 0x9747b28c, then toPositive(hash) % partitions), as an independent oracle.
export function murmur2(buf) {
  const m = 0x5bd1e995
  const len = buf.length
  let h = (0x9747b28c ^ len) | 0
  const blocks = len >>> 2
  for (let i = 0; i < blocks; i++) {
    const o = i * 4
    let k = (buf[o] | (buf[o + 1] << 8) | (buf[o + 2] << 16) | (buf[o + 3] << 24)) | 0
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const tail = blocks * 4
  switch (len & 3) {
    case 3:
      h ^= buf[tail + 2] << 16
    // falls through
    case 2:
      h ^= buf[tail + 1] << 8
    // falls through
    case 1:
      h ^= buf[tail]
      h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

export function javaPartition(key, partitions) {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions
}
