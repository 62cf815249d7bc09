// The QR encoder's Web Worker (frontend/src/qr_worker.rs, built by Trunk as the `qr-encoder`
// worker): loads its wasm-bindgen glue and wasm from this directory. The worker says
// {ready: true} once loaded; a failure to load says {failed: why}, or, when the glue itself
// cannot be fetched, ends as an error event on the page's Worker.
//
// It also makes a hand-over's QR texts (services/device.js asks, in a worker of its own):
// {handOver: {privateKey, publicKey, payload}} → {handOver: [texts]} or {handOverFailed: why}.
// Web Crypto signs with the device's CryptoKey (passed here, still non-extractable) and
// hashes its public key, the browser's zlib compresses; the wasm frames (COSE, base45).
importScripts('./qr-encoder.js');
const loaded = wasm_bindgen({ module_or_path: './qr-encoder_bg.wasm' });
loaded.catch((error) => {
  postMessage({ failed: String(error?.message ?? error) });
});

async function handOver({ privateKey, publicKey, payload }) {
  await loaded;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey));
  const tbs = wasm_bindgen.to_be_signed(payload, digest);
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, tbs));
  const cose = wasm_bindgen.seal(payload, digest, signature);
  // zlib (RFC 1950), the stream format the signer's decoder reads; kept only when shorter.
  const stream = new Blob([cose]).stream().pipeThrough(new CompressionStream('deflate'));
  const deflated = new Uint8Array(await new Response(stream).arrayBuffer());
  return wasm_bindgen.qr_texts(deflated.length < cose.length ? deflated : cose);
}

addEventListener('message', ({ data }) => {
  if (!data?.handOver) return;
  handOver(data.handOver).then(
    (texts) => postMessage({ handOver: texts }),
    (error) => postMessage({ handOverFailed: String(error?.message ?? error) }),
  );
});
