// The QR decoder's Web Worker (inspector/src/worker.rs, built by Trunk as the `qr-decoder`
// worker): loads its wasm-bindgen glue and wasm from this directory. The worker says
// {ready: true} once loaded; a failure to load says {failed: why}, or, when the glue itself
// cannot be fetched, ends as an error event on the page's Worker.
importScripts('./qr-decoder.js');
wasm_bindgen({ module_or_path: './qr-decoder_bg.wasm' }).catch((error) => {
  postMessage({ failed: String(error?.message ?? error) });
});
