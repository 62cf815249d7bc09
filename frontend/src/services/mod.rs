//! Talking to the outside world: the HTTP API, the device's storage and the QR encoder's
//! Web Worker.

pub mod api;
pub mod device;
pub mod idb;
mod message;
pub mod qr_encoder;
mod records;
pub mod storage;
