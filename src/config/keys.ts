// Every key the config file knows, by section: the validators check against these lists, and a
// test checks that examples/monitor.yaml shows each one.

export const CONFIG_KEYS = {
  top: ['database', 'server', 'agent', 'alerting', 'check_types', 'default_checks', 'hosts', 'notify', 'plugins'],
  database: ['url', 'password', 'password_file', 'pool_size', 'connect_timeout'],
  server: ['listen', 'url', 'max_body', 'request_timeout', 'tls', 'metrics_token', 'metrics_listen', 'dashboard', 'dashboard_listen', 'users', 'api_tokens'],
  tls: ['cert', 'key'],
  agent: ['host_name', 'host_key', 'registration_token', 'sample_window', 'mounts', 'state_dir', 'spool_max_size', 'spool_max_age', 'timeout', 'batch_size', 'ca_file'],
  alerting: ['flap_window', 'flap_high', 'flap_low', 'lease_ttl', 'notify_max_attempts', 'sample_max_age', 'repeat_interval', 'group_threshold'],
  checkType: ['name', 'function', 'params', 'severity', 'cooldown', 'repeat_interval'],
  host: ['description', 'checks'],
  notify: ['webhook', 'slack', 'email', 'command'],
  webhook: ['url', 'headers', 'timeout'],
  slack: ['webhook_url', 'timeout'],
  email: ['host', 'port', 'secure', 'insecure', 'user', 'password', 'from', 'to', 'timeout'],
  command: ['run', 'timeout', 'env'],
} as const satisfies Record<string, readonly string[]>;
