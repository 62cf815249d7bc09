pub mod decoder;
pub mod history;
pub mod trust;
