// A Config for tests that run `monitor check` in process: the defaults, no file, no hosts or check
// types of its own, these default checks and these alerting settings.

import { DEFAULT_ALERTING, defaultSettings } from '../../src/config/defaults.js';
import type { AlertingConfig, Config, HostCheckConfig } from '../../src/config/types.js';

export function checkRunConfig(defaultChecks: Record<string, HostCheckConfig>, alerting: Partial<AlertingConfig> = {}): Config {
  const base = defaultSettings({ env: {}, homedir: '/nonexistent', hostname: 'monitor-test' });
  return {
    ...base,
    file: null,
    lineOf: () => null,
    checkTypes: {},
    defaultChecks,
    hosts: {},
    alerting: { ...DEFAULT_ALERTING, ...alerting },
  };
}
