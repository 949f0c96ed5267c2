// Opens a store for the length of one body and always closes it, so a process never hangs on an
// open MySQL pool. Takes anything that opens a store (a command's Context does), so store/ needs
// nothing from the layers above it.

import type { Store } from './store.js';

export interface StoreOpener {
  openStore(): Promise<Store>;
}

export async function withStore<T>(opener: StoreOpener, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await opener.openStore();
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
