//! Talking to the outside world: the HTTP API and the device's storage.

pub mod api;
pub mod device;
pub mod idb;
mod records;
pub mod storage;
