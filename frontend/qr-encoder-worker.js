// The QR encoder's Web Worker (frontend/src/qr_worker.rs, built by Trunk as the `qr-encoder`
// worker): loads its wasm-bindgen glue and wasm from this directory. The worker says
// {ready: true} once loaded; a failure to load says {failed: why}, or, when the glue itself
// cannot be fetched, ends as an error event on the page's Worker.
importScripts('./qr-encoder.js');
wasm_bindgen({ module_or_path: './qr-encoder_bg.wasm' }).catch((error) => {
  postMessage({ failed: String(error?.message ?? error) });
});
