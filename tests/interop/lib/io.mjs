import { readFileSync, writeFileSync } from 'node:fs';
import { strictBase64Decode } from './envelope.mjs';

export class UsageError extends Error {}

/** Reads a file ('-' = stdin) as bytes. */
export function readInput(path) {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new UsageError(`cannot read '${path}': ${e.code ?? e.message}`);
  }
}

/** Reads a key file holding standard base64 (surrounding whitespace ignored) of one of the allowed lengths. */
export function readKeyFile(path, what, ...lengths) {
  const bytes = strictBase64Decode(readInput(path).toString('utf8').trim());
  if (bytes === null) throw new UsageError(`${what} '${path}' is not standard base64`);
  if (!lengths.includes(bytes.length)) throw new UsageError(`${what} '${path}' decodes to ${bytes.length} bytes; expected ${lengths.join(' or ')}`);
  return bytes;
}

export function writeOutput(path, data) {
  if (path === undefined || path === '-') process.stdout.write(data);
  else writeFileSync(path, data);
}
