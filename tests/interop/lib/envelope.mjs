// Independent implementation of the QuantaSeal HybridCryptoEnvelope v1 and v2, written from DESIGN section 4 and
// docs/envelope-v2.md alone (no code shared with the .NET implementation). ML-KEM-768 / ML-DSA-65 come from @noble/post-quantum
// (FIPS 203 / FIPS 204 standard encodings); HKDF, AES-256-GCM and HMAC-SHA-512 from node:crypto.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

export const KEM_ALGORITHM = 'ML-KEM-768';
export const SIGNATURE_ALGORITHM = 'ML-DSA-65+HMAC-SHA-512';
const SIGNATURE_CONTEXT = { 1: utf8('QuantaSeal/v1/envelope'), 2: utf8('QuantaSeal/v2/envelope') };
const KEY_INFO = utf8('QuantaSeal/v1/envelope-key');
const TAG = { 1: utf8('QSENV1'), 2: utf8('QSENV2') };
const ISSUED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const REQUEST_SHA256 = /^[\x21-\x7e]{0,512}$/;

const SIZES = { kemCiphertext: 1088, kemPublicKey: 1184, kemSeed: 64, kemExpanded: 2400, dsaPublicKey: 1952, dsaSignature: 3309, dsaSeed: 32, hmac: 64, nonce: 12, gcmTag: 16 };

/** A rejected envelope; `reason` mirrors the .NET EnvelopeRejectionReason names. */
export class EnvelopeRejected extends Error {
  constructor(reason, detail) {
    super(`envelope rejected (${reason})${detail ? `: ${detail}` : ''}`);
    this.reason = reason;
  }
}

export function utf8(text) {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** Strict RFC 4648 section 4 base64: standard alphabet, padding required, canonical only. */
export function strictBase64Decode(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null;
}

export function base64(bytes) {
  return Buffer.from(bytes).toString('base64');
}

function lengthPrefixed(parts, field) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(field.length, 0);
  parts.push(length, Buffer.from(field));
}

/**
 * v1: m = "QSENV1" || for each field: u32be(len) || bytes || one bare byte (success ? 1 : 0).
 * v2: m = "QSENV2" || the same fields and byte || u32be(len) || request_sha256 || u32be(len) || issued_at || u32be(len) || extras.
 */
export function signedBytes({ version = 1, tenantId, recipientKeyId, algorithm, ciphertextKem, nonce, ciphertextData, auditEventId, success, requestSha256, issuedAt, extras }) {
  const parts = [Buffer.from(TAG[version])];
  for (const field of [utf8(tenantId), utf8(recipientKeyId), utf8(algorithm), ciphertextKem, nonce, ciphertextData, utf8(auditEventId)]) {
    lengthPrefixed(parts, field);
  }
  parts.push(Buffer.from([success ? 1 : 0]));
  if (version === 2) {
    for (const field of [utf8(requestSha256), utf8(issuedAt), utf8(extras)]) lengthPrefixed(parts, field);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * RFC 8785 (JCS) for the values v2 signs: members sorted by UTF-16 code units (JavaScript's default sort order),
 * strings as JSON.stringify writes them, and only safe integers of at most 15 digits as numbers.
 */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new EnvelopeRejected('Malformed', 'lone surrogate in extras');
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) >= 1e15) throw new EnvelopeRejected('Malformed', 'number in extras');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${canonicalJson(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new EnvelopeRejected('Malformed', 'value in extras');
}

/** extras = JCS of {error, paging, rate_limit} from the envelope's top-level object; absent or null members left out. */
export function extrasOf(envelope) {
  const extras = {};
  for (const name of ['error', 'paging', 'rate_limit']) {
    const value = envelope[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new EnvelopeRejected('Malformed', name);
    extras[name] = value;
  }
  return canonicalJson(extras);
}

function aad(tenantId, auditEventId) {
  return Buffer.concat([Buffer.from(tenantId, 'utf8'), Buffer.from([0]), Buffer.from(auditEventId, 'utf8')]);
}

function envelopeKey(sharedSecret) {
  return Buffer.from(hkdfSync('sha256', sharedSecret, new Uint8Array(0), KEY_INFO, 32));
}

/**
 * Seals `plaintext` into an envelope object whose key order is the wire order.
 * `fixed` (test vectors only): { kemRandomness: 32 bytes, nonce: 12 bytes, deterministic: true }.
 */
export function seal({ tenantId, recipientKeyId, recipientPublicKey, auditEventId, success, plaintext, signingSeed, signingKeyId, hmacKey, error, v2 }, fixed = {}) {
  if (recipientPublicKey.length !== SIZES.kemPublicKey) throw new Error('recipient public key must be 1184 bytes');
  if (signingSeed.length !== SIZES.dsaSeed) throw new Error('signing seed must be 32 bytes');
  if (hmacKey.length !== SIZES.hmac) throw new Error('HMAC key must be 64 bytes');

  const { cipherText: ciphertextKem, sharedSecret } = fixed.kemRandomness
    ? ml_kem768.encapsulate(recipientPublicKey, fixed.kemRandomness)
    : ml_kem768.encapsulate(recipientPublicKey);
  const key = envelopeKey(sharedSecret);
  const nonce = fixed.nonce ?? new Uint8Array(randomBytes(SIZES.nonce));
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: SIZES.gcmTag });
  cipher.setAAD(aad(tenantId, auditEventId));
  const ciphertextData = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
  key.fill(0);
  sharedSecret.fill(0);

  // v2 (when `v2` = { requestSha256, issuedAt, paging?, rateLimit? }): the extras are signed as they will be sent.
  const version = v2 ? 2 : 1;
  const top = {};
  if (error) top.error = error;
  if (v2?.paging) top.paging = v2.paging;
  if (v2?.rateLimit) top.rate_limit = v2.rateLimit;
  const m = signedBytes({
    version, tenantId, recipientKeyId, algorithm: KEM_ALGORITHM, ciphertextKem, nonce, ciphertextData, auditEventId, success,
    requestSha256: v2?.requestSha256, issuedAt: v2?.issuedAt, extras: v2 ? extrasOf(top) : undefined,
  });
  const { secretKey } = ml_dsa65.keygen(signingSeed);
  // FIPS 204 ML-DSA.Sign (pure) with a context string; hedged unless a test vector asks for the deterministic mode.
  const context = SIGNATURE_CONTEXT[version];
  const signOptions = fixed.deterministic ? { context, extraEntropy: false } : { context };
  const pqcSignature = ml_dsa65.sign(m, secretKey, signOptions);
  secretKey.fill(0);
  const hmacSignature = createHmac('sha512', hmacKey).update(m).digest();

  const envelope = {
    ...(v2 ? { version: 2 } : {}),
    success,
    encrypted: {
      ciphertext_kem: base64(ciphertextKem),
      ciphertext_data: base64(ciphertextData),
      nonce: base64(nonce),
      tenant_id: tenantId,
      algorithm: KEM_ALGORITHM,
      recipient_key_id: recipientKeyId,
    },
    signature: {
      pqc_signature: base64(pqcSignature),
      hmac_signature: base64(hmacSignature),
      tenant_id: tenantId,
      algorithm: SIGNATURE_ALGORITHM,
      key_id: signingKeyId,
    },
    audit_event_id: auditEventId,
  };
  if (v2) {
    envelope.request_sha256 = v2.requestSha256;
    envelope.issued_at = v2.issuedAt;
  }
  return { ...envelope, ...top };
}

function requireString(value, field) {
  if (typeof value !== 'string' || value.length === 0 || /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new EnvelopeRejected('Malformed', field);
  }
  return value;
}

function requireBinary(value, field, length) {
  const bytes = strictBase64Decode(value);
  if (bytes === null || (length !== undefined && bytes.length !== length)) {
    throw new EnvelopeRejected('Malformed', field);
  }
  return bytes;
}

/**
 * Verifies both signatures (both always computed, combined with a non-short-circuit &), then the v2 binding the
 * caller asks for (`expectedRequestSha256`; `maxAgeSeconds` with `clockSkewSeconds` and `now`), and only then
 * decapsulates and decrypts. `recipientPrivateKey` is the 64-byte seed d||z or the 2400-byte expanded key.
 * Returns { plaintext, version, requestSha256, issuedAt, extras } (extras = the signed error/paging/rate_limit, v2 only).
 */
export function openVerified(envelope, { signingPublicKeys, hmacKey, recipientPrivateKey, expectedTenantId, expectedRequestSha256, maxAgeSeconds, clockSkewSeconds = 120, now = Date.now(), requireV2 = false }) {
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.success !== 'boolean'
    || typeof envelope.encrypted !== 'object' || envelope.encrypted === null
    || typeof envelope.signature !== 'object' || envelope.signature === null) {
    throw new EnvelopeRejected('Malformed', 'envelope shape');
  }
  const { encrypted, signature } = envelope;
  if (encrypted.algorithm !== KEM_ALGORITHM) throw new EnvelopeRejected('Malformed', 'encrypted.algorithm');
  if (signature.algorithm !== SIGNATURE_ALGORITHM) throw new EnvelopeRejected('Malformed', 'signature.algorithm');
  const tenantId = requireString(encrypted.tenant_id, 'encrypted.tenant_id');
  const signatureTenantId = requireString(signature.tenant_id, 'signature.tenant_id');
  const recipientKeyId = requireString(encrypted.recipient_key_id, 'encrypted.recipient_key_id');
  const auditEventId = requireString(envelope.audit_event_id, 'audit_event_id');
  const keyId = requireString(signature.key_id, 'signature.key_id');
  const ciphertextKem = requireBinary(encrypted.ciphertext_kem, 'encrypted.ciphertext_kem', SIZES.kemCiphertext);
  const nonce = requireBinary(encrypted.nonce, 'encrypted.nonce', SIZES.nonce);
  const ciphertextData = requireBinary(encrypted.ciphertext_data, 'encrypted.ciphertext_data');
  if (ciphertextData.length < SIZES.gcmTag) throw new EnvelopeRejected('Malformed', 'encrypted.ciphertext_data');
  const pqcSignature = requireBinary(signature.pqc_signature, 'signature.pqc_signature', SIZES.dsaSignature);
  const hmacSignature = requireBinary(signature.hmac_signature, 'signature.hmac_signature', SIZES.hmac);
  let version = 1;
  let v2 = {};
  if (Object.prototype.hasOwnProperty.call(envelope, 'version')) {
    if (envelope.version !== 2) throw new EnvelopeRejected('Malformed', 'version');
    version = 2;
    const { request_sha256: requestSha256, issued_at: issuedAt } = envelope;
    if (typeof requestSha256 !== 'string' || !REQUEST_SHA256.test(requestSha256)) throw new EnvelopeRejected('Malformed', 'request_sha256');
    if (typeof issuedAt !== 'string' || !ISSUED_AT.test(issuedAt) || Number.isNaN(Date.parse(issuedAt))
      || new Date(issuedAt).toISOString() !== issuedAt) throw new EnvelopeRejected('Malformed', 'issued_at');
    v2 = { requestSha256, issuedAt, extras: extrasOf(envelope) };
  }

  if (tenantId !== signatureTenantId || (expectedTenantId !== undefined && tenantId !== expectedTenantId)) {
    throw new EnvelopeRejected('TenantMismatch');
  }
  if (!Object.prototype.hasOwnProperty.call(signingPublicKeys, keyId)) throw new EnvelopeRejected('UnknownKeyId');
  const publicKey = signingPublicKeys[keyId];

  const m = signedBytes({ version, tenantId, recipientKeyId, algorithm: encrypted.algorithm, ciphertextKem, nonce, ciphertextData, auditEventId, success: envelope.success, ...v2 });
  let pqcValid = false;
  try {
    pqcValid = ml_dsa65.verify(pqcSignature, m, publicKey, { context: SIGNATURE_CONTEXT[version] });
  } catch {
    pqcValid = false;
  }
  const hmacValid = timingSafeEqual(createHmac('sha512', hmacKey).update(m).digest(), hmacSignature);
  // eslint-disable-next-line no-bitwise -- both checks always run (DESIGN section 4).
  if (((pqcValid ? 1 : 0) & (hmacValid ? 1 : 0)) !== 1) throw new EnvelopeRejected('SignatureInvalid');

  // The binding, before anything is decrypted (docs/envelope-v2.md, "What a client should check").
  if ((requireV2 || expectedRequestSha256 !== undefined || maxAgeSeconds !== undefined) && version !== 2) throw new EnvelopeRejected('BindingMissing');
  if (expectedRequestSha256 !== undefined && expectedRequestSha256 !== v2.requestSha256) throw new EnvelopeRejected('RequestMismatch');
  if (maxAgeSeconds !== undefined) {
    const issued = Date.parse(v2.issuedAt);
    if (issued > now + clockSkewSeconds * 1000 || issued < now - (maxAgeSeconds + clockSkewSeconds) * 1000) throw new EnvelopeRejected('OutsideTimeWindow');
  }

  let secretKey;
  if (recipientPrivateKey.length === SIZES.kemSeed) secretKey = ml_kem768.keygen(recipientPrivateKey).secretKey;
  else if (recipientPrivateKey.length === SIZES.kemExpanded) secretKey = recipientPrivateKey;
  else throw new Error('recipient private key must be the 64-byte seed or the 2400-byte expanded key');

  const sharedSecret = ml_kem768.decapsulate(ciphertextKem, secretKey);
  const key = envelopeKey(sharedSecret);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: SIZES.gcmTag });
    decipher.setAAD(aad(tenantId, auditEventId));
    decipher.setAuthTag(ciphertextData.subarray(ciphertextData.length - SIZES.gcmTag));
    const body = decipher.update(ciphertextData.subarray(0, ciphertextData.length - SIZES.gcmTag));
    const plaintext = Buffer.concat([body, decipher.final()]);
    return { plaintext, version, requestSha256: v2.requestSha256, issuedAt: v2.issuedAt, extras: v2.extras };
  } catch {
    throw new EnvelopeRejected('DecryptionFailed');
  } finally {
    key.fill(0);
    sharedSecret.fill(0);
  }
}

/** Verifies and decrypts; returns the plaintext only (v1 and v2). */
export function open(envelope, keys) {
  return openVerified(envelope, keys).plaintext;
}
