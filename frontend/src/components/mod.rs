//! Components: each takes domain values as props and reports what the user did through
//! callbacks; state lives in `state::AppState`.

mod check_page;
mod drafts_page;
mod error_summary;
pub mod field_input;
mod focus;
mod form_page;
mod hand_over;
mod industry_page;
mod issuer_key;
mod license_page;
mod licenses_page;
mod qr_code;
mod received_page;
mod scope_page;
mod sending_page;
mod start_page;
mod summary_row;
mod track_page;

pub use check_page::check_page;
pub use drafts_page::drafts_page;
pub use form_page::{CREDIT_CODE, FormPage};
pub use industry_page::IndustryPage;
pub use issuer_key::IssuerKey;
pub use license_page::license_page;
pub use licenses_page::{licenses_page, reminder};
pub use received_page::received_page;
pub use scope_page::ScopePage;
pub use sending_page::{Props as SendingProps, sending_page};
pub use start_page::start_page;
pub use track_page::track_page;
