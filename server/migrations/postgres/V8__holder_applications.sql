-- The holder's applications (#18), as the SQLite ledger's migration 10: a change or renewal
-- (the version it issued; its values are the application's body) or a cancellation (the
-- version it cancelled). The application itself is an `applications` row like every other,
-- so its id answers the same again and proves, as `holder_proof`, that the device holds the
-- license.
CREATE TABLE holder_applications (
    application_id TEXT PRIMARY KEY REFERENCES applications(id),
    license_number TEXT NOT NULL REFERENCES licenses(number),
    purpose        TEXT NOT NULL CHECK (purpose IN ('change', 'renewal', 'cancellation')),
    version        INTEGER NOT NULL,
    -- The field ids whose value changed from the version before, joined by commas.
    changed        TEXT NOT NULL
);
CREATE INDEX holder_applications_license ON holder_applications (license_number, version);
