// settings: small facts the program keeps about itself (e.g. the last synced checks-config fingerprint).

import type { SqlDriver } from './driver.js';
import { str } from './rows.js';

export async function getSetting(db: SqlDriver, name: string): Promise<string | null> {
  const rows = await db.all('SELECT setting_value FROM settings WHERE setting_name = ?', [name]);
  return rows[0] ? str(rows[0].setting_value) : null;
}

export async function setSetting(db: SqlDriver, name: string, value: string): Promise<void> {
  await db.run(db.syntax.upsert('settings', ['setting_name', 'setting_value'], 1, ['setting_name'], ['setting_value']), [name, value]);
}
