pub mod history;
pub mod trust;
