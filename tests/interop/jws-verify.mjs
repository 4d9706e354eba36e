// Independent JWS (RFC 7515) check for the Okta connector's client assertions and DPoP proofs, using only
// node:crypto (no JOSE library, nothing shared with Microsoft.IdentityModel).
// stdin: {"jws": "<compact JWS>", "key": <public JWK object> | "<SPKI PEM>" | null (null: the header's own jwk, as DPoP does)}
// stdout: {"header": {...}, "payload": {...}} when the signature verifies; exit 2 when it does not.
import { createPublicKey, verify } from 'node:crypto';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const parts = input.jws.split('.');
if (parts.length !== 3) { console.error('not a compact JWS'); process.exit(2); }
const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const header = json(parts[0]);
const payload = json(parts[1]);

const hashes = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
const hash = hashes[header.alg];
if (!hash) { console.error(`unsupported alg ${header.alg}`); process.exit(2); }

const source = input.key ?? header.jwk;
const key = typeof source === 'string' ? createPublicKey(source) : createPublicKey({ key: source, format: 'jwk' });
const ok = verify(
  hash,
  Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
  header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key,
  Buffer.from(parts[2], 'base64url'));
if (!ok) { console.error('signature does not verify'); process.exit(2); }
process.stdout.write(JSON.stringify({ header, payload }));
