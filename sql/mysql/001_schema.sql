-- monitor schema, MySQL 8 / MariaDB 10.6+ (and MySQL-wire engines: TiDB, Vitess, Galera).
-- Table and column names are a public interface: users query them by hand.
-- Rules: explicit primary keys; keys start with host_id where a host is involved; no foreign keys
-- (the application removes what belongs to a host); times are UTC DATETIME(3) written by the
-- application; utf8mb4_bin so names compare exactly as on SQLite.
-- IF NOT EXISTS everywhere: two processes migrating a fresh database at once both succeed.
-- (Comment lines never end with a semicolon: the runner splits statements at line-final semicolons.)

CREATE TABLE IF NOT EXISTS hosts (
  host_id        INT UNSIGNED NOT NULL AUTO_INCREMENT,
  host_name      VARCHAR(191) NOT NULL,
  host_key_hash  CHAR(64)     NOT NULL,
  description    TEXT         NULL,
  created_at     DATETIME(3)  NOT NULL,
  last_seen      DATETIME(3)  NULL,
  PRIMARY KEY (host_id),
  UNIQUE KEY uq_hosts_name (host_name),
  UNIQUE KEY uq_hosts_key_hash (host_key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per report. The primary key makes a re-sent report a no-op, serves range scans per host,
-- and holds collected_at so daily RANGE partitions can be added later.
CREATE TABLE IF NOT EXISTS incoming_data (
  host_id         INT UNSIGNED NOT NULL,
  collected_at    DATETIME(3)  NOT NULL,
  received_at     DATETIME(3)  NOT NULL,
  cpu_pct         DOUBLE       NULL,
  mem_pct         DOUBLE       NULL,
  disk_pct        DOUBLE       NULL,
  load_1          DOUBLE       NULL,
  dataset_name    VARCHAR(191) NOT NULL DEFAULT '',
  partition_key   VARCHAR(191) NULL,
  files_count     INT          NULL,
  first_event_at  DATETIME(3)  NULL,
  last_event_at   DATETIME(3)  NULL,
  PRIMARY KEY (host_id, collected_at, dataset_name),
  -- The newest report per host and per (host, dataset) by a loose index scan: one short dive per
  -- group, not a walk over every sample.
  KEY idx_incoming_host_dataset (host_id, dataset_name, collected_at),
  -- The last minutes of metrics for every host as one contiguous index range (covering: no row
  -- lookups), and retention deletes by time.
  KEY idx_incoming_collected (collected_at, host_id, cpu_pct, mem_pct, disk_pct, load_1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS alert_types (
  check_id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
  check_key         VARCHAR(191) NOT NULL,
  check_name        VARCHAR(191) NOT NULL,
  function_name     VARCHAR(191) NOT NULL,
  params_json       JSON         NOT NULL,
  severity          VARCHAR(16)  NOT NULL,
  cooldown_seconds  INT          NOT NULL DEFAULT 300,
  PRIMARY KEY (check_id),
  UNIQUE KEY uq_alert_types_key (check_key),
  CONSTRAINT ck_alert_types_severity CHECK (severity IN ('warning', 'critical'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS host_alert_checks (
  host_id      INT UNSIGNED NOT NULL,
  check_id     INT UNSIGNED NOT NULL,
  params_json  JSON         NOT NULL,
  enabled      TINYINT(1)   NOT NULL DEFAULT 1,
  PRIMARY KEY (host_id, check_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- At most one open alert per host and check, enforced here: open_flag is 1 while open and NULL
-- afterwards, and a unique key ignores NULLs (MySQL and MariaDB have no partial indexes).
CREATE TABLE IF NOT EXISTS alerts (
  alert_id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  host_id          INT UNSIGNED    NOT NULL,
  check_id         INT UNSIGNED    NOT NULL,
  severity         VARCHAR(16)     NOT NULL,
  status           VARCHAR(16)     NOT NULL DEFAULT 'open',
  triggered_at     DATETIME(3)     NOT NULL,
  resolved_at      DATETIME(3)     NULL,
  message          TEXT            NOT NULL,
  resolve_message  TEXT            NULL,
  value            DOUBLE          NULL,
  acknowledged_at  DATETIME(3)     NULL,
  open_flag        TINYINT GENERATED ALWAYS AS (CASE WHEN status = 'open' THEN 1 ELSE NULL END) STORED,
  PRIMARY KEY (alert_id),
  UNIQUE KEY uq_alerts_open (host_id, check_id, open_flag),
  KEY idx_alerts_triggered (triggered_at, alert_id),
  KEY idx_alerts_status (status, triggered_at),
  KEY idx_alerts_host (host_id, triggered_at),
  CONSTRAINT ck_alerts_severity CHECK (severity IN ('warning', 'critical')),
  CONSTRAINT ck_alerts_status CHECK (status IN ('open', 'resolved'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What the evaluator remembers between runs, per host and check.
CREATE TABLE IF NOT EXISTS check_state (
  host_id           INT UNSIGNED NOT NULL,
  check_id          INT UNSIGNED NOT NULL,
  status            VARCHAR(16)  NOT NULL,
  since             DATETIME(3)  NOT NULL,
  history           VARCHAR(32)  NOT NULL DEFAULT '',
  flapping          TINYINT(1)   NOT NULL DEFAULT 0,
  evaluated_at      DATETIME(3)  NOT NULL,
  last_resolved_at  DATETIME(3)  NULL,
  open_notified     TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (host_id, check_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Mutual exclusion between evaluators: one conditional UPDATE with an expiry (GET_LOCK is node-local
-- on Galera, Group Replication and Aurora).
CREATE TABLE IF NOT EXISTS leases (
  lease_name  VARCHAR(191) NOT NULL,
  owner       VARCHAR(191) NOT NULL,
  expires_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (lease_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Small facts the program keeps about itself, e.g. the fingerprint of the last synced checks config.
CREATE TABLE IF NOT EXISTS settings (
  setting_name   VARCHAR(191) NOT NULL,
  setting_value  TEXT         NOT NULL,
  PRIMARY KEY (setting_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Notification outbox: written with the alert, delivered and retried later.
CREATE TABLE IF NOT EXISTS notifications (
  notification_id  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  alert_id         BIGINT UNSIGNED NULL,
  channel          VARCHAR(191)    NOT NULL,
  event            VARCHAR(32)     NOT NULL,
  payload_json     JSON            NOT NULL,
  created_at       DATETIME(3)     NOT NULL,
  attempts         INT             NOT NULL DEFAULT 0,
  last_error       TEXT            NULL,
  last_attempt_at  DATETIME(3)     NULL,
  delivered_at     DATETIME(3)     NULL,
  PRIMARY KEY (notification_id),
  KEY idx_notifications_pending (delivered_at, created_at, notification_id),
  KEY idx_notifications_alert (alert_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
