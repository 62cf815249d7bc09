-- Every staff action: who, when, what, on which application. Append-only: the server's role
-- never updates or deletes a row, and the rules below refuse it for everyone else.
CREATE TABLE audit_log (
    seq            BIGSERIAL PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    application_id TEXT,
    permit         TEXT,
    detail         TEXT NOT NULL
);
CREATE INDEX audit_log_application ON audit_log (application_id, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
