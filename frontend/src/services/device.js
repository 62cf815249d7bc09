// The device key for offline hand-over, held by Web Crypto: the private key is made
// non-extractable, so no script (this app's included) can ever read it, and it is kept in
// IndexedDB as a CryptoKey object. Ed25519 in Web Crypto: Chromium 137+, Safari 17+,
// Firefox 129+. Compression with the browser's own zlib, the key id's hash with its own
// SHA-256. services/device.rs is the Rust side.

const ED25519 = 'Ed25519';

/** A new key pair: { privateKey: CryptoKey, publicKey: Uint8Array(32) }. */
export async function createKey() {
  const pair = await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte prefix.
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
  0x04, 0x22, 0x04, 0x20];

/**
 * The key an earlier version kept as a 32-byte seed, so an enrolled device stays enrolled:
 * imported once extractable to learn its public key, then for good as non-extractable.
 */
export async function importSeed(seed) {
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...seed]);
  const once = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
  const { x } = await crypto.subtle.exportKey('jwk', once);
  const publicKey = Uint8Array.from(atob(x.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  pkcs8.fill(0);
  return { privateKey, publicKey };
}

/** The 64-byte Ed25519 signature of `bytes`. */
export async function sign(privateKey, bytes) {
  return new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, bytes));
}

/** zlib (RFC 1950) of `bytes`, the stream format the signer's decoder reads. */
export async function zlib(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** SHA-256 of `bytes`: the key id is its first bytes (the signer's kid_of). */
export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}
