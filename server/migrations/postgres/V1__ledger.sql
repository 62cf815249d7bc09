-- The PostgreSQL ledger: the same tables as the SQLite one (server/src/ledger/sqlite.rs).
CREATE TABLE registry (
    credit_code TEXT PRIMARY KEY,
    record      TEXT NOT NULL
);
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    industry     TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE TABLE licenses (
    number         TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
    division       INTEGER NOT NULL,
    year           INTEGER NOT NULL,
    seq            BIGINT NOT NULL,
    kid            TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    qr_text        TEXT NOT NULL,
    license        TEXT NOT NULL,
    UNIQUE (division, year, seq)
);
CREATE TABLE revocations (
    license_number TEXT PRIMARY KEY REFERENCES licenses(number),
    reason         TEXT NOT NULL,
    revoked_at     BIGINT NOT NULL
);
-- Devices (clerks' tablets, service-point phones) whose signed hand-over QR codes are accepted.
CREATE TABLE devices (
    kid         TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    entry       TEXT NOT NULL,
    enrolled_at BIGINT NOT NULL
);
-- License numbers, advanced in the issuing transaction: the row is locked until commit, so
-- instances number one division's licenses in turn, never twice, never skipping one.
CREATE TABLE license_counters (
    division INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (division, year)
);
