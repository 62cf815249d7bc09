//! Hooks shared by components.

mod use_clerk_mode;
mod use_large_text;
mod use_service_worker;
mod use_storage_health;

pub use use_clerk_mode::use_clerk_mode;
pub use use_large_text::use_large_text;
pub use use_service_worker::use_service_worker;
pub use use_storage_health::use_storage_health;
