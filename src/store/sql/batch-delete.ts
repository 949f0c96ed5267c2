import type { SqlDriver, SqlValue } from './driver.js';

/**
 * Deletes matching rows in batches of at most `batchSize`, each its own statement (and, outside a
 * transaction, its own commit), so retention never holds a long lock on a busy table.
 */
export async function deleteInBatches(db: SqlDriver, table: string, where: string, params: readonly SqlValue[], batchSize: number): Promise<number> {
  const limit = Math.max(1, Math.floor(batchSize));
  const sql = db.syntax.deleteBatch(table, where);
  let total = 0;
  for (;;) {
    const deleted = (await db.run(sql, [...params, limit])).affectedRows;
    total += deleted;
    if (deleted < limit) return total;
  }
}
