-- License versions (#18), the same tables as the SQLite ledger's migration 9: the number
-- stays, each change issues version N+1 with its own QR and its own index in the issuer's
-- status list, allocated from a counter per issuer in the issuing transaction (the row stays
-- locked until COMMIT). `licenses.current_version` is NULL for licenses issued before
-- versions (no status index: the status list lists them by number when revoked);
-- `licenses.qr_text` and `license` follow the current version.
ALTER TABLE licenses ADD COLUMN current_version INTEGER;
CREATE TABLE status_counters (
    issuer     TEXT PRIMARY KEY,
    last_index BIGINT NOT NULL
);
CREATE TABLE license_versions (
    license_number TEXT NOT NULL REFERENCES licenses(number),
    version        INTEGER NOT NULL CHECK (version >= 1),
    issuer         TEXT NOT NULL,
    status_index   BIGINT NOT NULL,
    kid            TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    valid_until    BIGINT NOT NULL,
    qr_text        TEXT NOT NULL,
    license        TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('valid', 'superseded', 'suspended', 'revoked', 'cancelled')),
    -- The day the state began and a suspension's announced last day: 00:00 UTC of the
    -- authority's date, Unix seconds (the status list's days).
    state_since    BIGINT,
    state_until    BIGINT,
    reason         TEXT,
    superseded_by  INTEGER,
    PRIMARY KEY (license_number, version),
    UNIQUE (issuer, status_index)
);
-- Advanced with every issued version and state change: the status list's cache mark.
CREATE TABLE status_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    changes    BIGINT NOT NULL,
    changed_at BIGINT NOT NULL
);
INSERT INTO status_meta (id, changes, changed_at)
    SELECT 1, (SELECT COUNT(*) FROM revocations),
           COALESCE((SELECT MAX(revoked_at) FROM revocations), created_at)
    FROM ledger_meta;
