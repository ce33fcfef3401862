// An OAuth identity provider on loopback for the OIDC tests: a client-credentials token
// endpoint (POST /token, the client's id and secret as HTTP Basic auth) issuing RS256 JWTs,
// and the JWKS (GET /jwks) a Kafka broker verifies them with. `signWithUnknownKey` makes it
// sign with a key the JWKS does not hold, as a forger would.
import { generateKeyPairSync, createSign, randomUUID } from 'node:crypto'
import http from 'node:http'

const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')

export async function startIdentityProvider({ clients, audience = 'kafka', lifetimeMs = 60_000 }) {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID()
  const idp = { tokens: [], refused: 0, lifetimeMs, signWithUnknownKey: false }
  const jwt = (claims) => {
    const head = b64({ alg: 'RS256', typ: 'JWT', kid })
    const body = b64(claims)
    const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign((idp.signWithUnknownKey ? rogue : key).privateKey).toString('base64url')
    return `${head}.${body}.${sig}`
  }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const reply = (status, o) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(o))
      }
      if (req.method === 'GET' && req.url === '/jwks') {
        return reply(200, { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] })
      }
      if (req.method === 'POST' && req.url === '/token') {
        const [id, secret] = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')
        const form = new URLSearchParams(body)
        if (form.get('grant_type') !== 'client_credentials' || clients[decodeURIComponent(id ?? '')] !== decodeURIComponent(secret ?? '')) {
          idp.refused++
          return reply(401, { error: 'invalid_client' })
        }
        const now = Date.now()
        const claims = { sub: decodeURIComponent(id), aud: audience, iat: Math.floor(now / 1000), exp: Math.floor((now + idp.lifetimeMs) / 1000), scope: form.get('scope') ?? '' }
        idp.tokens.push({ at: now, client: claims.sub })
        return reply(200, { access_token: jwt(claims), token_type: 'bearer', expires_in: Math.floor(idp.lifetimeMs / 1000) })
      }
      reply(404, { error: 'not_found' })
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  idp.tokenUrl = `${base}/token`
  idp.jwksUrl = `${base}/jwks`
  idp.audience = audience
  idp.close = () => new Promise((resolve) => server.close(resolve))
  return idp
}
