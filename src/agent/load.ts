// 1-minute load average. Windows has no load average (Node returns zeros there), so it is reported
// as absent rather than as a reassuring 0.

import { loadavg } from 'node:os';

export function load1(platform: NodeJS.Platform = process.platform): number | null {
  if (platform === 'win32') return null;
  return loadavg()[0] ?? null;
}
