import type { Context } from '../../context.js';
import { printJson } from '../../output/json.js';

/** `monitor db migrate`: applies pending schema versions from sql/<dialect>/. */
export async function dbMigrate(ctx: Context, options: { json: boolean | undefined }): Promise<{ database: string; applied: string[] }> {
  const store = await ctx.openStore({ migrate: 'never' });
  let applied: string[];
  try {
    applied = await store.migrate();
  } finally {
    await store.close();
  }
  const result = { database: store.location, applied };
  if (options.json) printJson(ctx.out, result);
  else if (applied.length === 0) ctx.out.write(`Schema of ${store.location} is up to date.\n`);
  else ctx.out.write(`Applied ${applied.join(', ')} to ${store.location}.\n`);
  return result;
}
