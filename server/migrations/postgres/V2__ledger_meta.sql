-- When the ledger began: the "as of" time of a revocation list with nothing revoked yet, the
-- same for every instance.
CREATE TABLE ledger_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    created_at BIGINT NOT NULL
);
INSERT INTO ledger_meta (id, created_at) VALUES (1, EXTRACT(EPOCH FROM now())::BIGINT);
