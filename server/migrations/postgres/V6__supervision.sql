-- Checks after a commitment (the same table as the SQLite ledger's): the supervising
-- department checks each permit granted on commitment by `due_on`; `outcome` is the services'
-- JSON of the result, NULL while open.
CREATE TABLE supervision_checks (
    application_id TEXT NOT NULL REFERENCES applications(id),
    permit         TEXT NOT NULL,
    license_number TEXT NOT NULL REFERENCES licenses(number),
    department     TEXT NOT NULL,
    industry       TEXT NOT NULL,
    business_name  TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    outcome        TEXT,
    checked_at     BIGINT,
    PRIMARY KEY (application_id, permit)
);
CREATE INDEX supervision_checks_department ON supervision_checks (department, due_on);
