// The check catalogue the migrations seed (sql/*/002_seed_check_types.sql), for validating a config
// without opening a database. A test holds it equal to what a fresh store lists.

import type { CheckTypeInput } from '../store/types.js';

export const BUILTIN_CATALOGUE: readonly CheckTypeInput[] = [
  {
    checkKey: 'cpu_usage',
    checkName: 'CPU Usage',
    functionName: 'metric_threshold',
    params: { metric: 'cpu', warn: 85, crit: 95, for: '5m' },
    severity: 'critical',
    cooldownSeconds: 300,
  },
  {
    checkKey: 'memory_usage',
    checkName: 'Memory Usage',
    functionName: 'metric_threshold',
    params: { metric: 'mem', warn: 80, crit: 90, for: '0s' },
    severity: 'critical',
    cooldownSeconds: 300,
  },
  {
    checkKey: 'disk_space',
    checkName: 'Disk Space',
    functionName: 'metric_threshold',
    params: { metric: 'disk', warn: 80, crit: 90, for: '0s' },
    severity: 'critical',
    cooldownSeconds: 300,
  },
  {
    checkKey: 'host_silent',
    checkName: 'Host Silent',
    functionName: 'host_silent',
    params: { crit: '5m' },
    severity: 'critical',
    cooldownSeconds: 300,
  },
  {
    checkKey: 'dataset_freshness',
    checkName: 'Dataset Freshness',
    functionName: 'dataset_freshness',
    params: { warn: '6h', crit: '24h' },
    severity: 'warning',
    cooldownSeconds: 300,
  },
  {
    checkKey: 'files_count',
    checkName: 'Files Count',
    functionName: 'files_count',
    params: { crit: 1 },
    severity: 'warning',
    cooldownSeconds: 300,
  },
];
