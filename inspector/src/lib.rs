//! The inspector's pure parts: reading a QR code from pixels, which the decoder's Web Worker
//! (`src/worker.rs`) runs. Compiled natively too, so the decoder benchmark (`inspector-bench`)
//! measures exactly the code the browser runs.

#![forbid(unsafe_code)]

pub mod decode;
pub mod message;
