// Plain SQL against a test database, next to the store: what a user's own queries would see.

import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

export type SqlParam = string | number | null;

export function sqliteRows<T>(file: string, text: string, params: SqlParam[] = []): T[] {
  const db = new Database(file, { fileMustExist: true });
  try {
    const statement = db.prepare(text);
    if (statement.reader) return statement.all(...params) as T[];
    statement.run(...params);
    return [];
  } finally {
    db.close();
  }
}

export async function mysqlRows<T>(url: string, text: string, params: SqlParam[] = []): Promise<T[]> {
  const connection = await mysql.createConnection({ uri: url, dateStrings: true, jsonStrings: true });
  try {
    const [rows] = await connection.query(text, params);
    return (Array.isArray(rows) ? rows : []) as T[];
  } finally {
    await connection.end();
  }
}
