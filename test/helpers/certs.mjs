// Certificates made for one test run with the openssl tool: a CA; a broker certificate for
// 127.0.0.1 signed by it; a client certificate signed by it (for mTLS), also as PKCS#12 and
// with an encrypted key; a broker certificate for another host name; an expired one; and a
// second CA nobody trusts. Kafka takes PEM key stores: the unencrypted PKCS#8 key followed
// by the certificate chain.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export function makeCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-certs-'))
  const f = (name) => path.join(dir, name)
  const ssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const ca = (name, cn) => ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`))
  ca('ca', 'ironkafka test CA')
  ca('other-ca', 'ironkafka untrusted CA')

  /** A key and a certificate signed by the test CA; `ext` its X.509v3 extensions. */
  const leaf = (name, cn, ext) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`))
    writeFileSync(f(`${name}.ext`), `basicConstraints=CA:FALSE\n${ext}\n`)
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`))
  }
  const keystore = (name) => {
    ssl('pkcs8', '-topk8', '-nocrypt', '-in', f(`${name}.key`), '-out', f(`${name}.p8`))
    writeFileSync(f(`${name}.keystore.pem`), readFileSync(f(`${name}.p8`), 'utf8') + readFileSync(f(`${name}.pem`), 'utf8') + readFileSync(f('ca.pem'), 'utf8'))
    return f(`${name}.keystore.pem`)
  }
  leaf('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1')
  leaf('wronghost', 'elsewhere.invalid', 'subjectAltName=DNS:elsewhere.invalid')
  leaf('client', 'ironkafka-client', 'extendedKeyUsage=clientAuth')

  // Expired: `openssl ca` is the tool that takes explicit validity dates.
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('expired.key'), '-out', f('expired.csr'))
  writeFileSync(f('index.txt'), '')
  writeFileSync(f('serial'), '1000\n')
  writeFileSync(f('ca.cnf'), [
    '[ca]', 'default_ca = test', '[test]', `dir = ${dir}`, 'database = $dir/index.txt', 'serial = $dir/serial',
    'new_certs_dir = $dir', 'certificate = $dir/ca.pem', 'private_key = $dir/ca.key', 'default_md = sha256',
    'policy = any', 'copy_extensions = none', 'x509_extensions = ext', '[any]', 'commonName = supplied',
    '[ext]', 'basicConstraints = CA:FALSE', 'subjectAltName = IP:127.0.0.1', '',
  ].join('\n'))
  ssl('ca', '-batch', '-config', f('ca.cnf'), '-in', f('expired.csr'), '-out', f('expired.pem'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z')

  // The client's key store in the other forms librdkafka takes: PKCS#12, and an encrypted PEM key.
  const p12Password = 'p12-secret-' + Math.random().toString(36).slice(2)
  ssl('pkcs12', '-export', '-in', f('client.pem'), '-inkey', f('client.key'), '-out', f('client.p12'), '-passout', `pass:${p12Password}`)
  const keyPassword = 'key-secret-' + Math.random().toString(36).slice(2)
  ssl('pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', f('client.key'), '-out', f('client.enc.key'), '-passout', `pass:${keyPassword}`)

  return {
    dir,
    ca: f('ca.pem'),
    otherCa: f('other-ca.pem'),
    server: keystore('server'),
    wrongHost: keystore('wronghost'),
    expired: keystore('expired'),
    client: { cert: f('client.pem'), key: f('client.key'), encryptedKey: f('client.enc.key'), keyPassword, p12: f('client.p12'), p12Password },
  }
}
