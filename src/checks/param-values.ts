// Typed reads of normalised params. Check functions stay defensive: params from the database may
// never have passed normaliseParams (an old row, a hand edit), so a wrong type reads as absent.

export function numberParam(params: Record<string, unknown>, key: string): number | null {
  const value = params[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function stringParam(params: Record<string, unknown>, key: string): string | null {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Severity from "higher is worse" thresholds; either may be absent. */
export function severityAbove(value: number, warn: number | null, crit: number | null): 'ok' | 'warning' | 'critical' {
  if (crit !== null && value >= crit) return 'critical';
  if (warn !== null && value >= warn) return 'warning';
  return 'ok';
}

/** Problem when both thresholds are set in the wrong order ("higher is worse"). */
export function thresholdOrderProblem(
  params: Record<string, unknown>,
  render: (n: number) => string = String,
): { key: string; message: string }[] {
  const warn = numberParam(params, 'warn');
  const crit = numberParam(params, 'crit');
  if (warn !== null && crit !== null && warn > crit) {
    return [{ key: 'warn', message: `must not be above crit (${render(crit)}), got ${render(warn)}` }];
  }
  return [];
}
