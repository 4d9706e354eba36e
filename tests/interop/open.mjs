#!/usr/bin/env node
// Verify and open a QuantaSeal HybridCryptoEnvelope v1 (independent implementation of DESIGN section 4).
//
//   node open.mjs ENVELOPE.json|- --signing-key PUB.b64 --hmac-key KEY.b64 --recipient-key SECRET.b64 [--key-id sk_..] [--tenant-id ten_..]
//
// Writes the plaintext bytes to stdout and exits 0 only if BOTH signatures verify and decryption succeeds.
// Otherwise stdout stays empty, stderr names the reason, and the exit code is 2 (rejected) or 1 (usage/input).
import { parseArgs } from 'node:util';
import { EnvelopeRejected, open } from './lib/envelope.mjs';
import { readInput, readKeyFile, UsageError } from './lib/io.mjs';

try {
  const { values, positionals } = parseArgs({
    options: Object.fromEntries(['signing-key', 'hmac-key', 'recipient-key', 'key-id', 'tenant-id'].map((n) => [n, { type: 'string' }])),
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
  const keyId = values['key-id'] ?? envelope?.signature?.key_id;
  const plaintext = open(envelope, {
    signingPublicKeys: { [keyId]: signingKey },
    hmacKey,
    recipientPrivateKey,
    expectedTenantId: values['tenant-id'],
  });
  process.stdout.write(plaintext);
} catch (e) {
  if (e instanceof EnvelopeRejected) {
    process.stderr.write(`open.mjs: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`open.mjs: ${e instanceof UsageError || e.code?.startsWith?.('ERR_PARSE_ARGS') ? e.message : `failed: ${e.message}`}\n`);
    process.exitCode = 1;
  }
}
