// Finds the development private key a server created in its data directory and every encoding
// of it that could leak into a file: raw bytes, hex (both cases), base64 and base64url.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const KEY_FILE = 'signing-key.json';

export function findKeyFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findKeyFiles(path));
    else if (entry.name === KEY_FILE) found.push(path);
  }
  return found;
}

export function secretEncodings(keyFile) {
  const secretHex = JSON.parse(readFileSync(keyFile, 'utf8')).secret_key;
  if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error(`${keyFile}: unexpected secret_key format`);
  const raw = Buffer.from(secretHex, 'hex');
  const texts = [
    secretHex, secretHex.toUpperCase(),
    raw.toString('base64').replace(/=+$/, ''), raw.toString('base64url'),
  ];
  return { raw, texts: texts.map((t) => Buffer.from(t)) };
}

export function containsSecret(bytes, { raw, texts }) {
  return [raw, ...texts].some((needle) => bytes.includes(needle));
}

/** Every file under `dir` (recursively) that contains the secret in any encoding. */
export function filesContaining(dir, secret) {
  const hits = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hits.push(...filesContaining(path, secret));
    else if (statSync(path).isFile() && containsSecret(readFileSync(path), secret)) hits.push(path);
  }
  return hits;
}
