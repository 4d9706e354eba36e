#!/usr/bin/env node
// Seal a payload into a QuantaSeal HybridCryptoEnvelope v1, or v2 with --request-sha256 and --issued-at
// (independent implementation of DESIGN section 4 and docs/envelope-v2.md).
//
//   node seal.mjs --recipient-public PUB.b64 --signing-seed SEED.b64 --hmac-key KEY.b64 \
//                 --tenant-id ten_.. --recipient-key-id rk_.. --key-id sk_.. --audit-event-id aud_.. \
//                 [--success true|false] [--error-type T --error-message M [--upstream-status N]] \
//                 [--request-sha256 HEX --issued-at RFC3339 [--next-cursor C] [--rate-limit JSON]] \
//                 --plaintext FILE|- [--out FILE]
//   node seal.mjs --vector envelope-v1.json|envelope-v2.json --vector-name NAME   (re-seal a pinned TEST VECTOR exactly)
//
// Key files hold standard base64: the ML-KEM-768 public key (1184 bytes), the ML-DSA-65 seed (32 bytes), the
// HMAC key (64 bytes). Prints/writes the envelope JSON. Exit 0 on success, 1 on bad usage or input.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { seal, strictBase64Decode } from './lib/envelope.mjs';
import { readInput, readKeyFile, UsageError, writeOutput } from './lib/io.mjs';

function fromVector(path, name) {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  const vector = file.vectors.find((v) => v.name === name);
  if (!vector) throw new UsageError(`no vector named '${name}' in ${path}`);
  const i = vector.inputs;
  const b64 = (field) => strictBase64Decode(i[field]);
  if (i.signature_mode !== 'deterministic') throw new UsageError('vector signature_mode must be deterministic');
  const { publicKey } = ml_kem768.keygen(b64('recipient_kem_seed'));
  return [
    {
      tenantId: i.tenant_id,
      recipientKeyId: i.recipient_key_id,
      recipientPublicKey: publicKey,
      auditEventId: i.audit_event_id,
      success: i.success,
      plaintext: Buffer.from(i.plaintext_utf8, 'utf8'),
      signingSeed: b64('signing_seed'),
      signingKeyId: i.signing_key_id,
      hmacKey: b64('hmac_key'),
      error: i.error ?? undefined,
      v2: i.request === undefined ? undefined : {
        // The request hash, computed here from the request the vector answers (docs/envelope-v2.md).
        requestSha256: createHash('sha256').update(`${i.request.integration_id}\n${i.request.operation}\n${i.request.payload_json ?? ''}`, 'utf8').digest('hex'),
        issuedAt: i.issued_at,
        paging: i.next_cursor == null ? undefined : { next_cursor: i.next_cursor },
        rateLimit: i.rate_limit ?? undefined,
      },
    },
    { kemRandomness: b64('kem_randomness'), nonce: b64('nonce'), deterministic: true },
  ];
}

function fromArguments(v) {
  for (const name of ['recipient-public', 'signing-seed', 'hmac-key', 'tenant-id', 'recipient-key-id', 'key-id', 'audit-event-id', 'plaintext']) {
    if (v[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  if (v.success !== undefined && v.success !== 'true' && v.success !== 'false') throw new UsageError('--success must be true or false');
  let error;
  if (v['error-type'] !== undefined) {
    error = { type: v['error-type'], message: v['error-message'] ?? '' };
    if (v['upstream-status'] !== undefined) error.upstream_status = Number.parseInt(v['upstream-status'], 10);
  }
  return [
    {
      tenantId: v['tenant-id'],
      recipientKeyId: v['recipient-key-id'],
      recipientPublicKey: readKeyFile(v['recipient-public'], 'recipient public key', 1184),
      auditEventId: v['audit-event-id'],
      success: v.success !== 'false',
      plaintext: readInput(v.plaintext),
      signingSeed: readKeyFile(v['signing-seed'], 'signing seed', 32),
      signingKeyId: v['key-id'],
      hmacKey: readKeyFile(v['hmac-key'], 'HMAC key', 64),
      error,
      v2: v['request-sha256'] === undefined ? undefined : {
        requestSha256: v['request-sha256'],
        issuedAt: v['issued-at'],
        paging: v['next-cursor'] === undefined ? undefined : { next_cursor: v['next-cursor'] },
        rateLimit: v['rate-limit'] === undefined ? undefined : JSON.parse(v['rate-limit']),
      },
    },
    {},
  ];
}

try {
  const { values } = parseArgs({
    options: Object.fromEntries(
      ['recipient-public', 'signing-seed', 'hmac-key', 'tenant-id', 'recipient-key-id', 'key-id', 'audit-event-id', 'success',
        'error-type', 'error-message', 'upstream-status', 'plaintext', 'out', 'vector', 'vector-name',
        'request-sha256', 'issued-at', 'next-cursor', 'rate-limit'].map((n) => [n, { type: 'string' }])),
    strict: true,
  });
  const [input, fixed] = values.vector !== undefined ? fromVector(values.vector, values['vector-name']) : fromArguments(values);
  writeOutput(values.out, JSON.stringify(seal(input, fixed)));
} catch (e) {
  process.stderr.write(`seal.mjs: ${e instanceof UsageError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? e.message : `failed: ${e.message}`}\n`);
  process.exitCode = 1;
}
