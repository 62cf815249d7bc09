//! Hooks shared by components.

mod use_large_text;
mod use_service_worker;
mod use_stored_lang;

pub use use_large_text::use_large_text;
pub use use_service_worker::use_service_worker;
pub use use_stored_lang::use_stored_lang;
