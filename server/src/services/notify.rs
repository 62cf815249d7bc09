//! Telling the applicant that their application's status changed. The app learns it whenever
//! it syncs (in-app, always); a deployment plugs its SMS or e-mail gateway in behind
//! [`Notifier`]. What ships writes a log line.

use contract::ApplicationStatus;

/// A change worth telling the applicant: only the application id and its new status (the
/// gateway looks up how to reach them; no personal data passes through here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub application_id: String,
    pub status: ApplicationStatus,
}

pub trait Notifier: Send + Sync {
    /// Called after the change is stored; must not block (queue, don't send inline).
    fn notify(&self, notice: Notice);
}

/// Writes each notice to the log (`tracing`, info level).
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn notify(&self, notice: Notice) {
        tracing::info!(
            application = %notice.application_id,
            status = ?notice.status,
            "notify the applicant: the application's status changed"
        );
    }
}
