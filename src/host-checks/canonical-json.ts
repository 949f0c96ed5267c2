/**
 * JSON with object keys sorted, so equal params compare equal however they were written. By UTF-16
 * code unit, not localeCompare: the collation follows LANG (Danish sorts "aa" after "z"), and this
 * text is the config's fingerprint that every `monitor check` compares — two boxes, or cron and a
 * shell, with different locales would each re-sync the other's.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
