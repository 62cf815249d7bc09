// The device key for offline hand-over, held by Web Crypto: the private key is made
// non-extractable, so no script (this app's included) can ever read it, and it is kept in
// IndexedDB as a CryptoKey object. Ed25519 in Web Crypto: Chromium 137+, Safari 17+,
// Firefox 129+. Signing, the key id's hash (SHA-256) and compression (zlib) are the
// browser's own, in the QR encoder worker (qr-encoder-worker.js). services/device.rs is the
// Rust side.

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

/**
 * The hand-over QR texts of `payload` signed with the device key, made by a QR encoder
 * worker of its own (qr-encoder-worker.js, whose wasm frames the message): the page's
 * bundle carries no COSE or base45 code. Rejects with why.
 */
export function handOver(privateKey, publicKey, payload) {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/qr-encoder-worker.js');
    const done = (settle, value) => {
      worker.terminate();
      settle(value);
    };
    worker.onmessage = ({ data }) => {
      if (data?.handOver) done(resolve, data.handOver);
      else if (data?.handOverFailed !== undefined) done(reject, new Error(data.handOverFailed));
      else if (data?.failed !== undefined) done(reject, new Error(data.failed));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      done(reject, new Error('the QR encoder worker could not be loaded'));
    };
    worker.postMessage({ handOver: { privateKey, publicKey, payload } });
  });
}
