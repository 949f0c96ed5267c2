-- The built-in check catalogue. Existing rows are left alone (a user or `checks sync` may have
-- changed them): the no-op ON DUPLICATE KEY UPDATE skips them without INSERT IGNORE, which would
-- also turn real errors into warnings.
INSERT INTO alert_types (check_key, check_name, function_name, params_json, severity, cooldown_seconds) VALUES
  ('cpu_usage',         'CPU Usage',         'metric_threshold',  '{"metric":"cpu","warn":85,"crit":95,"for":"5m"}', 'critical', 300),
  ('memory_usage',      'Memory Usage',      'metric_threshold',  '{"metric":"mem","warn":80,"crit":90,"for":"0s"}', 'critical', 300),
  ('disk_space',        'Disk Space',        'metric_threshold',  '{"metric":"disk","warn":80,"crit":90,"for":"0s"}', 'critical', 300),
  ('host_silent',       'Host Silent',       'host_silent',       '{"crit":"5m"}', 'critical', 300),
  ('dataset_freshness', 'Dataset Freshness', 'dataset_freshness', '{"warn":"6h","crit":"24h"}', 'warning', 300),
  ('files_count',       'Files Count',       'files_count',       '{"crit":1}', 'warning', 300)
ON DUPLICATE KEY UPDATE check_key = check_key;
