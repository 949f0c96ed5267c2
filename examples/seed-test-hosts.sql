-- Test hosts and their alert associations, by hand, in plain SQL (MySQL / MariaDB).
--   mysql -u monitor -p monitor < examples/seed-test-hosts.sql
--
-- `monitor hosts add NAME` is the usual way (it makes a random key and applies the config's
-- checks). By hand, pick a key, keep it for the agent, and store only its SHA-256:
--   agent side: MONITOR_HOST_NAME=test-web-01 MONITOR_HOST_KEY=mk_test-web-01-change-me monitor collect
-- Times are UTC (the schema stores UTC everywhere).
--
-- Host checks you add here stay as you made them. `monitor checks sync` (and `monitor check` after a
-- config change) only touches the check keys your monitor.yaml mentions.

INSERT INTO hosts (host_name, host_key_hash, description, created_at)
VALUES
  ('test-web-01', SHA2('mk_test-web-01-change-me', 256), 'test web server', UTC_TIMESTAMP(3)),
  ('test-db-01',  SHA2('mk_test-db-01-change-me', 256),  'test database',   UTC_TIMESTAMP(3));

-- Every catalogue check for test-web-01, with the type's default params (an empty override).
INSERT INTO host_alert_checks (host_id, check_id, params_json, enabled)
SELECT h.host_id, t.check_id, '{}', 1
  FROM hosts h
  JOIN alert_types t ON t.check_key IN ('cpu_usage', 'memory_usage', 'disk_space', 'host_silent')
 WHERE h.host_name = 'test-web-01';

-- test-db-01: stricter memory limits, and disk alerts only at 95%.
INSERT INTO host_alert_checks (host_id, check_id, params_json, enabled)
SELECT h.host_id, t.check_id,
       CASE t.check_key
         WHEN 'memory_usage' THEN '{"warn": 70, "crit": 85}'
         WHEN 'disk_space'   THEN '{"crit": 95}'
         ELSE '{}'
       END,
       1
  FROM hosts h
  JOIN alert_types t ON t.check_key IN ('memory_usage', 'disk_space', 'host_silent')
 WHERE h.host_name = 'test-db-01';

-- What was made: every enabled check with its host, check name and per-host params.
SELECT h.host_name, t.check_name, c.params_json, c.enabled
  FROM host_alert_checks c
  JOIN hosts h ON h.host_id = c.host_id
  JOIN alert_types t ON t.check_id = c.check_id
 ORDER BY h.host_name, t.check_key;
