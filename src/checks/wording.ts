// Pieces every check message shares, so all checks read alike: "Host 'web-01' ...".

import { formatDuration } from '../time/duration.js';

export function hostRef(hostName: string): string {
  return `Host '${hostName}'`;
}

/** 92 -> "92", 92.04 -> "92", 92.46 -> "92.5": whole numbers stay whole, others get one decimal. */
export function formatAmount(value: number): string {
  const oneDecimal = Math.round(value * 10) / 10;
  return Number.isInteger(oneDecimal) ? String(oneDecimal) : oneDecimal.toFixed(1);
}

/** The largest unit only ("7m", "2h", "30s"): alert text is read at a glance, not measured. */
export function coarseAge(ms: number): string {
  if (ms < 1000) return '0s';
  return formatDuration(ms).split(' ')[0]!;
}

/** Whole seconds, the `value` of age-based checks. */
export function ageSeconds(ms: number): number {
  return Math.floor(Math.max(ms, 0) / 1000);
}
