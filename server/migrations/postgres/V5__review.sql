-- Applications waiting for a department or the applicant (the same table as the SQLite
-- ledger's). `state` is the services' JSON document (permits, timeline); `version` is compared
-- and advanced by every change, so instances on one database never lose a decision.
CREATE TABLE review_cases (
    id           TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    industry     TEXT NOT NULL,
    body         TEXT NOT NULL,
    request      TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    revision     BIGINT NOT NULL,
    status       TEXT NOT NULL,
    state        TEXT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX review_cases_status ON review_cases (status, received_at);
