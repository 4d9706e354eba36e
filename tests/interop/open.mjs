#!/usr/bin/env node
// Verify and open a QuantaSeal HybridCryptoEnvelope v1 or v2 (independent implementation of DESIGN section 4 and
// docs/envelope-v2.md).
//
//   node open.mjs ENVELOPE.json|- --signing-key PUB.b64 --hmac-key KEY.b64 --recipient-key SECRET.b64 [--key-id sk_..] [--tenant-id ten_..]
//                 [--request-sha256 HEX] [--max-age SECONDS [--now RFC3339]] [--require-v2] [--show-binding]
//
// Writes the plaintext bytes to stdout and exits 0 only if BOTH signatures verify, the binding asked for holds and
// decryption succeeds. Otherwise stdout stays empty, stderr names the reason, and the exit code is 2 (rejected) or 1
// (usage/input). --show-binding writes the signed version, request_sha256, issued_at and extras to stderr as JSON.
import { parseArgs } from 'node:util';
import { EnvelopeRejected, openVerified } from './lib/envelope.mjs';
import { readInput, readKeyFile, UsageError } from './lib/io.mjs';

try {
  const { values, positionals } = parseArgs({
    options: {
      ...Object.fromEntries(['signing-key', 'hmac-key', 'recipient-key', 'key-id', 'tenant-id', 'request-sha256', 'max-age', 'now'].map((n) => [n, { type: 'string' }])),
      'require-v2': { type: 'boolean' },
      'show-binding': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('exactly one ENVELOPE argument is required');
  for (const name of ['signing-key', 'hmac-key', 'recipient-key']) {
    if (values[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  const signingKey = readKeyFile(values['signing-key'], 'signing key', 1952);
  const hmacKey = readKeyFile(values['hmac-key'], 'HMAC key', 64);
  const recipientPrivateKey = readKeyFile(values['recipient-key'], 'recipient key', 64, 2400);
  let envelope;
  try {
    envelope = JSON.parse(readInput(positionals[0]).toString('utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new EnvelopeRejected('Malformed', 'not JSON');
  }
  const maxAge = values['max-age'] === undefined ? undefined : Number.parseInt(values['max-age'], 10);
  if (maxAge !== undefined && !(maxAge >= 0)) throw new UsageError('--max-age must be a number of seconds');
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (Number.isNaN(now)) throw new UsageError('--now must be an RFC 3339 time');
  const keyId = values['key-id'] ?? envelope?.signature?.key_id;
  const opened = openVerified(envelope, {
    signingPublicKeys: { [keyId]: signingKey },
    hmacKey,
    recipientPrivateKey,
    expectedTenantId: values['tenant-id'],
    expectedRequestSha256: values['request-sha256'],
    maxAgeSeconds: maxAge,
    now,
    requireV2: values['require-v2'] ?? false,
  });
  if (values['show-binding']) {
    const { version, requestSha256, issuedAt, extras } = opened;
    process.stderr.write(`${JSON.stringify({ version, request_sha256: requestSha256, issued_at: issuedAt, extras })}\n`);
  }
  process.stdout.write(opened.plaintext);
} catch (e) {
  if (e instanceof EnvelopeRejected) {
    process.stderr.write(`open.mjs: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`open.mjs: ${e instanceof UsageError || e.code?.startsWith?.('ERR_PARSE_ARGS') ? e.message : `failed: ${e.message}`}\n`);
    process.exitCode = 1;
  }
}
