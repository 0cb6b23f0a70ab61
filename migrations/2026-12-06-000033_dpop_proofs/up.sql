-- The DPoP proofs (RFC 9449) seen while they could still be accepted, so that a proof replayed to
-- any instance is refused: the key is a hash of the proof key's thumbprint and the proof's jti,
-- and a second insert of it fails. Rows past `expires_at` prove nothing and are pruned.
CREATE TABLE dpop_proofs (
    replay_key text PRIMARY KEY CHECK (char_length(replay_key) = 43),
    expires_at timestamptz NOT NULL
);
CREATE INDEX dpop_proofs_expires_at ON dpop_proofs (expires_at);
