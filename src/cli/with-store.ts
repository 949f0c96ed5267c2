// Opens the configured store for the length of one command body and always closes it, so a
// process never hangs on an open MySQL pool.

import type { Context } from '../context.js';
import type { Store } from '../store/store.js';

export async function withStore<T>(ctx: Context, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await ctx.openStore();
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
