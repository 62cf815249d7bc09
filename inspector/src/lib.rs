//! The inspector's pure parts: reading a QR code from pixels. Compiled natively too, so the
//! decoder benchmark (`inspector-bench`) measures exactly the code the browser runs.

pub mod decode;
