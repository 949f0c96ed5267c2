// The demo's story as data: four servers with their own load patterns, the config that gives
// db-server-03 stricter memory limits, and the three acts (normal, trouble, recovery). Pure and
// deterministic, so the demo prints the same story every time.

import type { Report } from '../reports/report.js';

export interface DemoHost {
  name: string;
  description: string;
  /** Metrics at minute m of the story (0-based). */
  metrics(minute: number): { cpu: number; mem: number; disk: number; load: number };
}

const wave = (minute: number, period: number, amplitude: number): number => amplitude * Math.sin((2 * Math.PI * minute) / period);
const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Minutes of the story: normal load, then trouble, then recovery. */
export const ACTS = {
  normal: { from: 0, to: 10 },
  trouble: { from: 11, to: 13 },
  recovery: { from: 14, to: 16 },
} as const;

const inTrouble = (minute: number): boolean => minute >= ACTS.trouble.from && minute <= ACTS.trouble.to;

export const DEMO_HOSTS: DemoHost[] = [
  {
    name: 'web-server-01',
    description: 'nginx front end: bursty CPU',
    metrics: (m) => ({ cpu: round1(28 + wave(m, 6, 12)), mem: round1(54 + wave(m, 9, 2)), disk: 38, load: round1(1.1 + wave(m, 6, 0.5)) }),
  },
  {
    name: 'app-server-02',
    description: 'application server: steady, busy',
    metrics: (m) => ({ cpu: round1(58 + wave(m, 8, 9)), mem: round1(67 + wave(m, 12, 3)), disk: 52, load: round1(2.3 + wave(m, 8, 0.4)) }),
  },
  {
    name: 'db-server-03',
    description: 'primary database: stricter memory limits (warn 70%, crit 80%)',
    metrics: (m) => ({
      cpu: round1(33 + wave(m, 5, 4)),
      mem: inTrouble(m) ? 88 : round1(62 + wave(m, 7, 2)),
      disk: 61,
      load: round1(1.6 + wave(m, 5, 0.3)),
    }),
  },
  {
    name: 'storage-server-04',
    description: 'file storage: quiet CPU, large disks',
    metrics: (m) => ({ cpu: round1(11 + wave(m, 10, 3)), mem: round1(41 + wave(m, 10, 1)), disk: inTrouble(m) ? 92 : 45, load: 0.4 }),
  },
];

/** The demo's monitor.yaml: the built-in default checks, and per-host thresholds. */
export const DEMO_CONFIG_YAML = `
default_checks:
  cpu_usage: {}
  memory_usage: {}
  disk_space: {}
  host_silent: {}
hosts:
  db-server-03:
    description: primary database
    checks:
      memory_usage: { warn: 70, crit: 80 }
  storage-server-04:
    checks:
      disk_space: { warn: 85, crit: 90 }
`;

export function demoReport(host: DemoHost, minute: number, start: Date): Report {
  const { cpu, mem, disk, load } = host.metrics(minute);
  return {
    hostName: host.name,
    collectedAt: minuteAt(start, minute),
    cpuPct: cpu,
    memPct: mem,
    diskPct: disk,
    load1: load,
    datasetName: null,
    partitionKey: null,
    filesCount: null,
    firstEventAt: null,
    lastEventAt: null,
  };
}

export function minuteAt(start: Date, minute: number): Date {
  return new Date(start.getTime() + minute * 60_000);
}
