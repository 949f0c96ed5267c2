// Setup shared by the admin command tests: a fixed "now" (every command runs with an injected
// clock), samples and alerts written through the store API, and an independent SHA-256.

import { createHash } from 'node:crypto';
import type { Store } from '../../../src/store/store.js';
import type { NewSample, Severity } from '../../../src/store/types.js';
import { newSample } from '../../support/samples.js';

/** The moment every command in these tests believes it is. */
export const NOW = new Date('2026-03-10T10:00:00.000Z');

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function ago(ms: number, from: Date = NOW): Date {
  return new Date(from.getTime() - ms);
}

/** Computed here, not with the code under test, so a wrong hash in src cannot agree with itself. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function metricsSample(
  hostId: number,
  collectedAt: Date,
  metrics: { cpu?: number; mem?: number; disk?: number; load?: number } = {},
): NewSample {
  return newSample(hostId, collectedAt, {
    cpuPct: metrics.cpu ?? 10,
    memPct: metrics.mem ?? 20,
    diskPct: metrics.disk ?? 30,
    load1: metrics.load ?? 0.5,
  });
}

/** Registers hosts straight through the store (key hashes are dummies: these hosts never report). */
export async function addHosts(store: Store, names: string[], createdAt: Date = ago(30 * DAY)): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const hostName of names) {
    const host = await store.addHost({ hostName, keyHash: sha256Hex(`key of ${hostName}`), description: null, createdAt });
    ids[hostName] = host.hostId;
  }
  return ids;
}

export async function checkIds(store: Store): Promise<Record<string, number>> {
  return Object.fromEntries((await store.listCheckTypes()).map((type) => [type.checkKey, type.checkId]));
}

export interface AlertSpec {
  hostId: number;
  checkId: number;
  severity?: Severity;
  triggeredAt: Date;
  message: string;
  value?: number;
  /** Resolved at this time, or left open. */
  resolvedAt?: Date;
}

/** Opens (and optionally resolves) an alert with the store API; returns its id. */
export async function createAlert(store: Store, spec: AlertSpec): Promise<number> {
  const alertId = await store.openAlert({
    hostId: spec.hostId,
    checkId: spec.checkId,
    severity: spec.severity ?? 'critical',
    triggeredAt: spec.triggeredAt,
    message: spec.message,
    value: spec.value ?? null,
  });
  if (spec.resolvedAt) {
    await store.resolveAlert(alertId, { resolvedAt: spec.resolvedAt, resolveMessage: `${spec.message} (recovered)`, value: null });
  }
  return alertId;
}

export function parseJson<T = unknown>(stdout: string): T {
  return JSON.parse(stdout) as T;
}
