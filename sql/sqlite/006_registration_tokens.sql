-- Registration tokens: an agent holding one (and no host key yet) registers itself with
-- POST /api/v1/register and receives its own host key. Only a SHA-256 of each token is stored, like
-- host keys. A token is named (for `monitor tokens list` and hosts.registered_by), may expire, is
-- revoked by setting revoked_at, and allows taking over an existing host name only when
-- allow_reregister is 1.
CREATE TABLE IF NOT EXISTS registration_tokens (
  token_name        TEXT    NOT NULL PRIMARY KEY,
  token_hash        TEXT    NOT NULL,
  created_at        TEXT    NOT NULL,
  expires_at        TEXT    NULL,
  revoked_at        TEXT    NULL,
  allow_reregister  INTEGER NOT NULL DEFAULT 0,
  uses              INTEGER NOT NULL DEFAULT 0,
  last_used_at      TEXT    NULL,
  CONSTRAINT uq_registration_tokens_hash UNIQUE (token_hash)
);

-- How a host came to be: NULL for `monitor hosts add` (or one-box collect), else the token's name.
ALTER TABLE hosts ADD COLUMN registered_by TEXT NULL;
