// The terminal's share of an alert storm: `monitor check` prints at most 20 transition lines per
// check, then one line per check saying how many more there were (cron mails stay readable);
// `--json` keeps every transition.

export const LINES_PER_CHECK = 20;

export interface ListedLine<T> {
  item: T;
  line: string;
}

/** The lines to print, in order, and one "… and N more" line per check that had more than `limit`. */
export function limitPerCheck<T extends { checkKey: string; checkName: string }>(
  lines: readonly ListedLine<T>[],
  limit = LINES_PER_CHECK,
): string[] {
  const shown = new Map<string, number>();
  const hidden = new Map<string, { name: string; count: number }>();
  const out: string[] = [];
  for (const { item, line } of lines) {
    const count = shown.get(item.checkKey) ?? 0;
    if (count < limit) {
      shown.set(item.checkKey, count + 1);
      out.push(line);
      continue;
    }
    const more = hidden.get(item.checkKey);
    if (more) more.count += 1;
    else hidden.set(item.checkKey, { name: item.checkName, count: 1 });
  }
  for (const { name, count } of hidden.values()) {
    out.push(
      `… and ${count.toLocaleString('en')} more ${name} transition${count === 1 ? '' : 's'} (\`monitor check --json\` lists every one)`,
    );
  }
  return out;
}
