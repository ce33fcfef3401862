// The Java client's security settings that librdkafka expresses differently, translated where
// the meaning is exact, refused (with the command that converts) where it is not:
//   sasl.jaas.config       PlainLoginModule / ScramLoginModule -> sasl.username, sasl.password
//   ssl.truststore.*       type PEM -> ssl.ca.location / ssl.ca.pem; JKS and PKCS12 refused
//   ssl.keystore.*         type PKCS12 -> ssl.keystore.location (librdkafka's is PKCS#12);
//                          type PEM -> ssl.certificate.* and ssl.key.*; JKS refused
// These keys depend on each other (the type decides what a location means), so they are read
// together, before the key-by-key pass; each result keeps the key the user wrote, so a clash
// with a librdkafka name for the same setting is reported in the user's words. Pure: no I/O.
import type { ConfigIssue } from '../errors.js'

export interface Translated {
  /** The key the user wrote. */
  key: string
  /** The librdkafka property it sets. */
  target: string
  value: unknown
}

export interface JavaSecurity {
  /** Keys handled here: the key-by-key pass skips them. */
  consumed: Set<string>
  entries: Translated[]
  errors: ConfigIssue[]
}

/** Settings whose values are secrets: never printed, in messages, reports or the CLI. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'sasl.password',
  'sasl.jaas.config',
  'ssl.key.password',
  'ssl.keystore.password',
  'ssl.truststore.password',
  'ssl.key.pem',
  'ssl_key',
  'ssl.keystore.key',
  'sasl.oauthbearer.client.secret',
  'sasl.oauthbearer.config',
])

const LOGIN_MODULES: Record<string, 'credentials' | string> = {
  'org.apache.kafka.common.security.plain.PlainLoginModule': 'credentials',
  'org.apache.kafka.common.security.scram.ScramLoginModule': 'credentials',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule':
    'OAUTHBEARER here takes no JAAS: set sasl.mechanism=OAUTHBEARER and supply the tokens with the oauthBearerProvider option (sasl.oauthbearer.config only configures librdkafka\'s unsecured test tokens)',
  'com.sun.security.auth.module.Krb5LoginModule':
    'GSSAPI (Kerberos) needs Cyrus SASL, which ironkafka\'s build leaves out; use SCRAM, PLAIN over TLS, or OAUTHBEARER',
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined)

/**
 * Parses a JAAS line: `<LoginModule class> <flag> (name=value)* ;` with values quoted ("...",
 * backslash escapes) or bare. Returns the class and options, or an error message (which never
 * contains the line: it holds a password).
 */
export function parseJaas(text: string): { module: string; options: Record<string, string> } | { error: string } {
  let i = 0
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++
  }
  const word = (): string => {
    const from = i
    while (i < text.length && /[^\s=;"]/.test(text[i]!)) i++
    return text.slice(from, i)
  }
  ws()
  const module = word()
  ws()
  const flag = word()
  if (module === '' || !/^(required|requisite|sufficient|optional)$/.test(flag)) {
    return { error: 'expected "<LoginModule class> required name="value" ... ;"' }
  }
  const options: Record<string, string> = {}
  for (;;) {
    ws()
    if (i >= text.length) return { error: 'missing the closing ";"' }
    if (text[i] === ';') {
      i++
      ws()
      if (i < text.length) return { error: 'only one login module can be given (text follows the first ";")' }
      return { module, options }
    }
    const name = word()
    ws()
    if (name === '' || text[i] !== '=') return { error: `expected name="value" after the ${Object.keys(options).length === 0 ? 'flag' : 'previous option'}` }
    i++
    ws()
    let value = ''
    if (text[i] === '"') {
      i++
      let closed = false
      while (i < text.length) {
        const c = text[i++]!
        if (c === '\\' && i < text.length) value += text[i++]
        else if (c === '"') {
          closed = true
          break
        } else value += c
      }
      if (!closed) return { error: `the value of ${name} has no closing quote` }
    } else {
      value = word()
    }
    options[name] = value
  }
}

export function translateJavaSecurity(input: Record<string, unknown>): JavaSecurity {
  const consumed = new Set<string>()
  const entries: Translated[] = []
  const errors: ConfigIssue[] = []
  const has = (k: string) => input[k] !== undefined && input[k] !== null
  const take = (k: string) => {
    consumed.add(k)
    return input[k]
  }
  const err = (key: string, rule: string, message: string, keys?: string[]) => errors.push({ key, rule, message, ...(keys ? { keys } : {}) })
  const set = (key: string, target: string, value: unknown) => entries.push({ key, target, value })

  // sasl.jaas.config
  if (has('sasl.jaas.config')) {
    const raw = take('sasl.jaas.config')
    const text = asString(raw)
    const parsed = text === undefined ? { error: 'must be a string' } : parseJaas(text)
    if ('error' in parsed) {
      err('sasl.jaas.config', 'value',
        `sasl.jaas.config: ${parsed.error}; a PlainLoginModule or ScramLoginModule line is translated to sasl.username and sasl.password (or set those directly)`)
    } else {
      const kind = LOGIN_MODULES[parsed.module]
      if (kind === undefined) {
        err('sasl.jaas.config', 'java-only-key',
          `sasl.jaas.config: the login module ${parsed.module} cannot run here; PlainLoginModule and ScramLoginModule are translated (to sasl.username and sasl.password), or set those directly`)
      } else if (kind !== 'credentials') {
        err('sasl.jaas.config', 'java-only-key', `sasl.jaas.config: ${parsed.module}: ${kind}`)
      } else {
        const { username, password, ...rest } = parsed.options
        const extra = Object.keys(rest)
        if (username === undefined || password === undefined) {
          err('sasl.jaas.config', 'value', `sasl.jaas.config: ${parsed.module} needs username="..." and password="..."`)
        } else if (extra.length > 0) {
          err('sasl.jaas.config', 'value', `sasl.jaas.config: option(s) ${extra.join(', ')} have no librdkafka equivalent; only username and password are translated`)
        } else {
          set('sasl.jaas.config', 'sasl.username', username)
          set('sasl.jaas.config', 'sasl.password', password)
        }
      }
    }
  }

  // ssl.truststore.*: Java's default type is JKS.
  const trustKeys = ['ssl.truststore.location', 'ssl.truststore.certificates', 'ssl.truststore.password', 'ssl.truststore.type']
  if (trustKeys.some(has)) {
    for (const k of trustKeys) if (has(k)) take(k)
    const type = (asString(input['ssl.truststore.type']) ?? 'JKS').toUpperCase()
    const location = input['ssl.truststore.location']
    if (type === 'PEM') {
      if (has('ssl.truststore.password')) {
        err('ssl.truststore.password', 'ssl.truststore', 'ssl.truststore.password cannot be used with ssl.truststore.type=PEM (a PEM trust store has no password, in Java too); remove it',
          ['ssl.truststore.password', 'ssl.truststore.type'])
      }
      if (has('ssl.truststore.location')) set('ssl.truststore.location', 'ssl.ca.location', location)
      if (has('ssl.truststore.certificates')) set('ssl.truststore.certificates', 'ssl.ca.pem', input['ssl.truststore.certificates'])
    } else if (type === 'JKS' || type === 'PKCS12') {
      const file = asString(location) ?? 'truststore.jks'
      const convert = type === 'JKS'
        ? `keytool -importkeystore -srckeystore ${file} -srcstoretype JKS -destkeystore truststore.p12 -deststoretype PKCS12, then openssl pkcs12 -in truststore.p12 -nokeys -out ca.pem`
        : `openssl pkcs12 -in ${file} -nokeys -out ca.pem`
      err(has('ssl.truststore.location') ? 'ssl.truststore.location' : 'ssl.truststore.type', 'ssl.truststore',
        `librdkafka trusts CAs from PEM only, not a ${type} trust store: convert it (${convert}), then set ssl.truststore.type=PEM and ssl.truststore.location=ca.pem (librdkafka's name: ssl.ca.location)`,
        trustKeys.filter(has))
    } else {
      err('ssl.truststore.type', 'value', `ssl.truststore.type must be PEM (or JKS/PKCS12, which need converting); got ${JSON.stringify(input['ssl.truststore.type'])}`)
    }
  }

  // ssl.keystore.*: with no type, ssl.keystore.location keeps librdkafka's meaning (PKCS#12).
  const storeKeys = ['ssl.keystore.type', 'ssl.keystore.key', 'ssl.keystore.certificate.chain']
  if (storeKeys.some(has)) {
    const type = has('ssl.keystore.type') ? (asString(input['ssl.keystore.type']) ?? '').toUpperCase() : 'PEM'
    for (const k of storeKeys) if (has(k)) take(k)
    if (type === 'PKCS12') {
      // librdkafka's own ssl.keystore.location and ssl.keystore.password apply as they are.
      if (has('ssl.keystore.key') || has('ssl.keystore.certificate.chain')) {
        err('ssl.keystore.type', 'ssl.keystore', 'ssl.keystore.key and ssl.keystore.certificate.chain need ssl.keystore.type=PEM', storeKeys.filter(has))
      }
    } else if (type === 'PEM') {
      if (has('ssl.keystore.location')) {
        // One PEM file with the private key and the certificate chain, as Java reads it.
        const loc = take('ssl.keystore.location')
        set('ssl.keystore.location', 'ssl.certificate.location', loc)
        set('ssl.keystore.location', 'ssl.key.location', loc)
      }
      if (has('ssl.keystore.password')) {
        take('ssl.keystore.password')
        err('ssl.keystore.password', 'ssl.keystore', 'ssl.keystore.password cannot be used with ssl.keystore.type=PEM; the private key\'s password is ssl.key.password (in Java too)',
          ['ssl.keystore.password', 'ssl.keystore.type'])
      }
      if (has('ssl.keystore.key')) set('ssl.keystore.key', 'ssl.key.pem', input['ssl.keystore.key'])
      if (has('ssl.keystore.certificate.chain')) set('ssl.keystore.certificate.chain', 'ssl.certificate.pem', input['ssl.keystore.certificate.chain'])
    } else if (type === 'JKS') {
      const file = asString(input['ssl.keystore.location']) ?? 'keystore.jks'
      if (has('ssl.keystore.location')) take('ssl.keystore.location')
      if (has('ssl.keystore.password')) take('ssl.keystore.password')
      err('ssl.keystore.type', 'ssl.keystore',
        `librdkafka reads a PKCS#12 or PEM keystore, not JKS: convert it (keytool -importkeystore -srckeystore ${file} -srcstoretype JKS -destkeystore keystore.p12 -deststoretype PKCS12), then set ssl.keystore.type=PKCS12 and ssl.keystore.location=keystore.p12`,
        ['ssl.keystore.type', 'ssl.keystore.location'].filter(has))
    } else {
      err('ssl.keystore.type', 'value', `ssl.keystore.type must be PKCS12 or PEM (JKS needs converting); got ${JSON.stringify(input['ssl.keystore.type'])}`)
    }
  }
  return { consumed, entries, errors }
}
