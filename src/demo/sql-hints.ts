// After the story: the same facts in plain SQL, with the command that runs it on this database.

import type { DatabaseTarget } from '../database-target/types.js';
import type { Narrator } from './narrator.js';

const LATEST_SAMPLES = `SELECT h.host_name, d.collected_at, d.cpu_pct, d.mem_pct, d.disk_pct
  FROM incoming_data d JOIN hosts h ON h.host_id = d.host_id
 ORDER BY d.collected_at DESC LIMIT 5;`;

const ALERT_HISTORY = `SELECT a.alert_id, h.host_name, t.check_name, a.severity, a.status,
       a.triggered_at, a.resolved_at, a.message
  FROM alerts a
  JOIN hosts h ON h.host_id = a.host_id
  JOIN alert_types t ON t.check_id = a.check_id
 ORDER BY a.triggered_at DESC, a.alert_id DESC;`;

const HOST_CHECKS = `SELECT h.host_name, t.check_name, c.params_json
  FROM host_alert_checks c
  JOIN hosts h ON h.host_id = c.host_id
  JOIN alert_types t ON t.check_id = c.check_id
 WHERE c.enabled = 1 ORDER BY h.host_name, t.check_key;`;

function clientCommand(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `sqlite3 ${target.path}`;
  const password = target.password ? ' -p' : '';
  return `mysql -h ${target.host} -P ${target.port} -u ${target.user || 'root'}${password} ${target.database}`;
}

export function printDemoSql(narrator: Narrator, target: DatabaseTarget): void {
  const { chalk } = narrator;
  narrator.say(`\n  The same, in plain SQL (${chalk.bold(clientCommand(target))}):`);
  for (const [title, sql] of [
    ['the alert history', ALERT_HISTORY],
    ['the latest five samples', LATEST_SAMPLES],
    ['every enabled check with its per-host params', HOST_CHECKS],
  ] as const) {
    narrator.say(chalk.dim(`    -- ${title}`));
    for (const line of sql.split('\n')) narrator.say(`    ${line}`);
  }
}
