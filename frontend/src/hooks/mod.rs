//! Hooks shared by components.

mod use_stored_lang;

pub use use_stored_lang::use_stored_lang;
