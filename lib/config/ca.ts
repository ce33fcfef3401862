// Where a TLS client finds the CA certificates that verify the brokers. The addon links
// OpenSSL statically, and that OpenSSL's own default directory exists nowhere (deps/build.sh),
// so librdkafka probes the usual system locations itself. A machine with none of them (a slim
// container image without the ca-certificates package) would then verify nothing and refuse
// every broker; there the client falls back to the root certificates Node itself carries
// (tls.rootCertificates: Mozilla's list, as in Node's own https), passed as ssl.ca.pem.
import { existsSync } from 'node:fs'
import { rootCertificates } from 'node:tls'

/** The CA bundles and directories librdkafka 2.14 probes on Linux, in its order. */
export const SYSTEM_CA_LOCATIONS = [
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/certs/ca-bundle.crt',
  '/etc/pki/tls/certs/ca-bundle.trust.crt',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/ssl/cert.pem',
  '/etc/ssl/cacert.pem',
  '/etc/certs/ca-certificates.crt',
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/ssl/certs',
  '/usr/local/etc/ssl/cert.pem',
  '/usr/local/etc/ssl/cacert.pem',
  '/usr/local/etc/ssl/certs/cert.pem',
  '/usr/local/etc/ssl/certs/cacert.pem',
  '/usr/local/share/certs/ca-root-nss.crt',
  '/etc/openssl/certs/ca-certificates.crt',
]

/** Settings by which the user chose the trusted CAs, or chose to verify nothing. */
const CA_CHOICES = ['ssl.ca.location', 'ssl.ca.pem', 'ssl.ca.certificate.stores']

/**
 * The ssl.ca.pem to add to a resolved librdkafka config, or undefined: only for a TLS client
 * that chose no CAs itself, on a machine where none of the system locations exists.
 */
export function fallbackCaPem(config: Record<string, unknown>, exists: (path: string) => boolean = existsSync): string | undefined {
  const protocol = String(config['security.protocol'] ?? 'plaintext').toLowerCase()
  if (protocol !== 'ssl' && protocol !== 'sasl_ssl') return undefined
  if (CA_CHOICES.some((k) => config[k] !== undefined)) return undefined
  if (String(config['enable.ssl.certificate.verification'] ?? 'true') === 'false') return undefined
  if (SYSTEM_CA_LOCATIONS.some((p) => exists(p))) return undefined
  return rootCertificates.join('\n')
}
