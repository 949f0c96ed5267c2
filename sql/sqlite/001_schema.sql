-- monitor schema, SQLite (the embedded default). Same tables and columns as sql/mysql: users query
-- them by hand. Times are UTC text 'YYYY-MM-DD HH:MM:SS.mmm' written by the application, so they
-- sort and compare as text. AUTOINCREMENT keeps ids of removed rows from being handed out again, as
-- on MySQL. No foreign keys: the application removes what belongs to a host.
-- (Comment lines never end with a semicolon: the runner splits statements at line-final semicolons.)

CREATE TABLE IF NOT EXISTS hosts (
  host_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  host_name      TEXT NOT NULL,
  host_key_hash  TEXT NOT NULL,
  description    TEXT NULL,
  created_at     TEXT NOT NULL,
  last_seen      TEXT NULL,
  CONSTRAINT uq_hosts_name UNIQUE (host_name),
  CONSTRAINT uq_hosts_key_hash UNIQUE (host_key_hash)
);

-- One row per report; the primary key makes a re-sent report a no-op and serves range scans per host.
CREATE TABLE IF NOT EXISTS incoming_data (
  host_id         INTEGER NOT NULL,
  collected_at    TEXT    NOT NULL,
  received_at     TEXT    NOT NULL,
  cpu_pct         REAL    NULL,
  mem_pct         REAL    NULL,
  disk_pct        REAL    NULL,
  load_1          REAL    NULL,
  dataset_name    TEXT    NOT NULL DEFAULT '',
  partition_key   TEXT    NULL,
  files_count     INTEGER NULL,
  first_event_at  TEXT    NULL,
  last_event_at   TEXT    NULL,
  PRIMARY KEY (host_id, collected_at, dataset_name)
);

-- The newest report of each (host, dataset): partial, so it holds pipeline reports only.
CREATE INDEX IF NOT EXISTS idx_incoming_host_dataset ON incoming_data (host_id, dataset_name, collected_at) WHERE dataset_name <> '';

-- The last minutes of metrics for every host as one contiguous, covering index range; retention by time.
CREATE INDEX IF NOT EXISTS idx_incoming_collected ON incoming_data (collected_at, host_id, cpu_pct, mem_pct, disk_pct, load_1);

CREATE TABLE IF NOT EXISTS alert_types (
  check_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  check_key         TEXT    NOT NULL,
  check_name        TEXT    NOT NULL,
  function_name     TEXT    NOT NULL,
  params_json       TEXT    NOT NULL,
  severity          TEXT    NOT NULL CHECK (severity IN ('warning', 'critical')),
  cooldown_seconds  INTEGER NOT NULL DEFAULT 300,
  CONSTRAINT uq_alert_types_key UNIQUE (check_key)
);

CREATE TABLE IF NOT EXISTS host_alert_checks (
  host_id      INTEGER NOT NULL,
  check_id     INTEGER NOT NULL,
  params_json  TEXT    NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (host_id, check_id)
);

CREATE TABLE IF NOT EXISTS alerts (
  alert_id         INTEGER PRIMARY KEY AUTOINCREMENT,
  host_id          INTEGER NOT NULL,
  check_id         INTEGER NOT NULL,
  severity         TEXT    NOT NULL CHECK (severity IN ('warning', 'critical')),
  status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  triggered_at     TEXT    NOT NULL,
  resolved_at      TEXT    NULL,
  message          TEXT    NOT NULL,
  resolve_message  TEXT    NULL,
  value            REAL    NULL,
  acknowledged_at  TEXT    NULL
);

-- At most one open alert per host and check, enforced by the database itself.
CREATE UNIQUE INDEX IF NOT EXISTS uq_alerts_open ON alerts (host_id, check_id) WHERE status = 'open';

CREATE INDEX IF NOT EXISTS idx_alerts_triggered ON alerts (triggered_at, alert_id);

CREATE INDEX IF NOT EXISTS idx_alerts_status ON alerts (status, triggered_at);

CREATE INDEX IF NOT EXISTS idx_alerts_host ON alerts (host_id, triggered_at);

-- What the evaluator remembers between runs, per host and check.
CREATE TABLE IF NOT EXISTS check_state (
  host_id           INTEGER NOT NULL,
  check_id          INTEGER NOT NULL,
  status            TEXT    NOT NULL,
  since             TEXT    NOT NULL,
  history           TEXT    NOT NULL DEFAULT '',
  flapping          INTEGER NOT NULL DEFAULT 0,
  evaluated_at      TEXT    NOT NULL,
  last_resolved_at  TEXT    NULL,
  open_notified     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (host_id, check_id)
);

-- Mutual exclusion between evaluators: one conditional UPDATE with an expiry.
CREATE TABLE IF NOT EXISTS leases (
  lease_name  TEXT NOT NULL PRIMARY KEY,
  owner       TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);

-- Small facts the program keeps about itself, e.g. the fingerprint of the last synced checks config.
CREATE TABLE IF NOT EXISTS settings (
  setting_name   TEXT NOT NULL PRIMARY KEY,
  setting_value  TEXT NOT NULL
);

-- Notification outbox: written with the alert, delivered and retried later.
CREATE TABLE IF NOT EXISTS notifications (
  notification_id  INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id         INTEGER NULL,
  channel          TEXT    NOT NULL,
  event            TEXT    NOT NULL,
  payload_json     TEXT    NOT NULL,
  created_at       TEXT    NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT    NULL,
  last_attempt_at  TEXT    NULL,
  delivered_at     TEXT    NULL
);

CREATE INDEX IF NOT EXISTS idx_notifications_pending ON notifications (delivered_at, created_at, notification_id);

CREATE INDEX IF NOT EXISTS idx_notifications_alert ON notifications (alert_id);
