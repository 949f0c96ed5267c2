// alert_types (the check catalogue) and host_alert_checks (which host runs which check, with what overrides).

import type { CheckedHost, CheckType, CheckTypeInput, EnabledHostCheck, HostCheck, HostCheckInput, Severity } from '../types.js';
import { GROUP_LINE_END, type SqlDriver, type SqlValue } from './driver.js';
import { hostFromArray, listHostRecords } from './hosts.js';
import { bool, chunk, jsonObject, num, type Row, rowsPerStatement, sqlBool, sqlJson, str } from './rows.js';

const TYPE_COLUMNS = ['check_key', 'check_name', 'function_name', 'params_json', 'severity', 'cooldown_seconds'] as const;
const HOST_CHECK_COLUMNS = ['host_id', 'check_id', 'params_json', 'enabled'] as const;
const MAX_ROWS = 500;

function toCheckType(row: Row): CheckType {
  return {
    checkId: num(row.check_id),
    checkKey: str(row.check_key),
    checkName: str(row.check_name),
    functionName: str(row.function_name),
    params: jsonObject(row.params_json),
    severity: str(row.severity) as Severity,
    cooldownSeconds: num(row.cooldown_seconds),
  };
}

export async function listCheckTypes(db: SqlDriver): Promise<CheckType[]> {
  const rows = await db.all(`SELECT check_id, ${TYPE_COLUMNS.join(', ')} FROM alert_types ORDER BY check_key`);
  return rows.map(toCheckType);
}

function typeParams(type: CheckTypeInput): SqlValue[] {
  return [type.checkKey, type.checkName, type.functionName, sqlJson(type.params), type.severity, type.cooldownSeconds];
}

/**
 * Run inside a transaction. New keys are inserted and existing ones updated one by one: an upsert
 * statement would burn an AUTO_INCREMENT value per existing row, and the catalogue is a handful of
 * rows. Callers pass only what changed (`checks sync` plans that with host-checks/catalogue.ts).
 */
export async function upsertCheckTypes(db: SqlDriver, types: readonly CheckTypeInput[]): Promise<void> {
  if (types.length === 0) return;
  const existing = new Map((await listCheckTypes(db)).map((type) => [type.checkKey, type]));
  const added = types.filter((type) => !existing.has(type.checkKey));
  for (const part of chunk(added, rowsPerStatement(TYPE_COLUMNS.length, db.syntax.maxParams, MAX_ROWS))) {
    // insertIgnore: a concurrent sync may have inserted the same key a moment ago.
    await db.run(db.syntax.insertIgnore('alert_types', TYPE_COLUMNS, part.length, ['check_key']), part.flatMap(typeParams));
  }
  for (const type of types) {
    const current = existing.get(type.checkKey);
    if (current === undefined) continue;
    await db.run(
      'UPDATE alert_types SET check_name = ?, function_name = ?, params_json = ?, severity = ?, cooldown_seconds = ? WHERE check_key = ?',
      [type.checkName, type.functionName, sqlJson(type.params), type.severity, type.cooldownSeconds, type.checkKey],
    );
  }
}

export async function listHostChecks(db: SqlDriver, filter: { hostId?: number; enabledOnly?: boolean } = {}): Promise<HostCheck[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.hostId !== undefined) {
    where.push('c.host_id = ?');
    params.push(filter.hostId);
  }
  if (filter.enabledOnly) where.push('c.enabled = 1');
  const rows = await db.all(
    `SELECT c.host_id, h.host_name, c.check_id, t.check_key, c.params_json, c.enabled
       FROM host_alert_checks c
       JOIN hosts h ON h.host_id = c.host_id
       JOIN alert_types t ON t.check_id = c.check_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY h.host_name, t.check_key`,
    params,
  );
  return rows.map((row) => ({
    hostId: num(row.host_id),
    hostName: str(row.host_name),
    checkId: num(row.check_id),
    checkKey: str(row.check_key),
    params: jsonObject(row.params_json),
    enabled: bool(row.enabled),
  }));
}

export async function upsertHostChecks(db: SqlDriver, rows: readonly HostCheckInput[]): Promise<void> {
  for (const part of chunk(rows, rowsPerStatement(HOST_CHECK_COLUMNS.length, db.syntax.maxParams, MAX_ROWS))) {
    const sql = db.syntax.upsert('host_alert_checks', HOST_CHECK_COLUMNS, part.length, ['host_id', 'check_id'], ['params_json', 'enabled']);
    await db.run(
      sql,
      part.flatMap((row) => [row.hostId, row.checkId, sqlJson(row.params), sqlBool(row.enabled)]),
    );
  }
}

export async function deleteHostChecks(db: SqlDriver, keys: readonly { hostId: number; checkId: number }[]): Promise<void> {
  for (const part of chunk(keys, MAX_ROWS)) {
    await db.run(
      `DELETE FROM host_alert_checks WHERE ${part.map(() => '(host_id = ? AND check_id = ?)').join(' OR ')}`,
      part.flatMap((key) => [key.hostId, key.checkId]),
    );
  }
}

/**
 * One row per host with enabled checks: its record, and its checks as one text, a line each ("id "
 * or "id {overrides}", each ending with GROUP_LINE_END). A host's 4 checks cross the wire and are
 * decoded as one row, not 4: at 40,000 host checks `monitor check` (one thread decoding every
 * answer) spends far less. The join streams in primary-key order. A text that does not end with a
 * line end or holds another number of lines than the count (cut short by MySQL's
 * group_concat_max_len, 1 KB by default there; a line end in a hand-edited text) reads the host
 * checks row by row instead.
 */
export async function listCheckedHosts(db: SqlDriver, filter: { hostId?: number } = {}): Promise<CheckedHost[]> {
  const lines = db.syntax.groupLines(['c.check_id', "' '", "CASE WHEN c.params_json = '{}' THEN '' ELSE c.params_json END"]);
  // MAX() of the host's own columns: one value per group, valid under ONLY_FULL_GROUP_BY everywhere.
  const rows = await db.arrays(
    // The host's columns as hostFromArray reads them, then the count and the lines.
    `SELECT h.host_id, MAX(h.host_name), MAX(h.description), MAX(h.created_at), MAX(h.last_seen), COUNT(*), ${lines}
       FROM hosts h JOIN host_alert_checks c ON c.host_id = h.host_id AND c.enabled = 1${filter.hostId === undefined ? '' : ' WHERE h.host_id = ?'}
      GROUP BY h.host_id ORDER BY NULL`,
    filter.hostId === undefined ? [] : [filter.hostId],
  );
  const parsed = overridesParser();
  const checked: CheckedHost[] = [];
  for (const row of rows) {
    const text = str(row[6]);
    if (!text.endsWith(GROUP_LINE_END)) return checkedHostsRowByRow(db, filter);
    const entries = text.slice(0, -GROUP_LINE_END.length).split(GROUP_LINE_END);
    if (entries.length !== num(row[5])) return checkedHostsRowByRow(db, filter);
    const checkIds = new Array<number>(entries.length);
    const params = new Array<Record<string, unknown>>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const space = entry.indexOf(' ');
      checkIds[i] = Number(entry.slice(0, space));
      params[i] = parsed(entry.slice(space + 1) || null);
    }
    checked.push({ host: hostFromArray(row), checkIds, params });
  }
  return checked;
}

/** listCheckedHosts from the host checks' rows and the hosts' (two statements). */
async function checkedHostsRowByRow(db: SqlDriver, filter: { hostId?: number }): Promise<CheckedHost[]> {
  const [hostChecks, hosts] = await Promise.all([listEnabledHostChecks(db, filter), listHostRecords(db)]);
  const byId = new Map<number, CheckedHost>();
  for (const host of hosts) byId.set(host.hostId, { host, checkIds: [], params: [] });
  for (const { hostId, checkId, params } of hostChecks) {
    const checked = byId.get(hostId);
    if (checked === undefined) continue; // removed between the statements
    checked.checkIds.push(checkId);
    checked.params.push(params);
  }
  return [...byId.values()].filter((checked) => checked.checkIds.length > 0);
}

/** Overrides texts to objects, each distinct text parsed once and frozen; null (none) is one empty object. */
function overridesParser(): (text: string | null) => Record<string, unknown> {
  const parsed = new Map<string | null, Record<string, unknown>>();
  return (text) => {
    let params = parsed.get(text);
    if (!params) parsed.set(text, (params = Object.freeze(text === null ? {} : jsonObject(text))));
    return params;
  };
}

export async function listEnabledHostChecks(db: SqlDriver, filter: { hostId?: number } = {}): Promise<EnabledHostCheck[]> {
  const rows = await db.arrays(
    // No overrides ('{}', most host checks) comes back as NULL: nothing to decode for them.
    `SELECT host_id, check_id, NULLIF(params_json, '{}') FROM host_alert_checks WHERE enabled = 1${filter.hostId === undefined ? '' : ' AND host_id = ?'}`,
    filter.hostId === undefined ? [] : [filter.hostId],
  );
  // Most hosts share a handful of override texts (usually none): parse each text once.
  const parsed = overridesParser();
  return rows.map((row) => ({ hostId: num(row[0]), checkId: num(row[1]), params: parsed(row[2] === null ? null : str(row[2])) }));
}
