-- Back-office accounts. The password is an argon2id PHC string; failed logins since the last
-- success and the time before which the next attempt is refused make the growing delay.
CREATE TABLE staff (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'supervisor', 'admin')),
    department    TEXT,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT
);
-- Login sessions, keyed by the SHA-256 of the cookie's id (the table alone signs nobody in);
-- every instance on this database sees every session.
CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
