-- Registration tokens: an agent holding one (and no host key yet) registers itself with
-- POST /api/v1/register and receives its own host key. Only a SHA-256 of each token is stored, like
-- host keys. A token is named (for `monitor tokens list` and hosts.registered_by), may expire, is
-- revoked by setting revoked_at, and allows taking over an existing host name only when
-- allow_reregister is 1.
CREATE TABLE IF NOT EXISTS registration_tokens (
  token_name        VARCHAR(191) NOT NULL,
  token_hash        CHAR(64)     NOT NULL,
  created_at        DATETIME(3)  NOT NULL,
  expires_at        DATETIME(3)  NULL,
  revoked_at        DATETIME(3)  NULL,
  allow_reregister  TINYINT      NOT NULL DEFAULT 0,
  uses              INT UNSIGNED NOT NULL DEFAULT 0,
  last_used_at      DATETIME(3)  NULL,
  PRIMARY KEY (token_name),
  UNIQUE KEY uq_registration_tokens_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- How a host came to be: NULL for `monitor hosts add` (or one-box collect), else the token's name.
-- A racing migrator's "duplicate column" is ignored (syntax.ddlAlreadyApplied).
ALTER TABLE hosts ADD COLUMN registered_by VARCHAR(191) NULL;
