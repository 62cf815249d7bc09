//! Components: each takes domain values as props and knows nothing of storage or HTTP
//! beyond the services it is given.

mod issuer_key;
mod lang_switch;
mod start_page;

pub use issuer_key::IssuerKey;
pub use lang_switch::LangSwitch;
pub use start_page::StartPage;
