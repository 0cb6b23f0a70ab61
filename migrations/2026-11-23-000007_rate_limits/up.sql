-- Fixed-window request counters, shared by every instance. The key is a keyed hash of the client
-- address, never the address itself.
CREATE TABLE rate_limit_windows (
    bucket       text NOT NULL,
    client_hash  bytea NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (bucket, client_hash, window_start)
);

CREATE INDEX rate_limit_windows_start ON rate_limit_windows (window_start);
