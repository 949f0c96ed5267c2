// The static files the dashboard serves, read once: our own script and stylesheet from
// src/web/assets, uPlot from its npm package. No CDN, so it works on an air-gapped network.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  type: string;
  body: Buffer;
}

// src/web/assets.ts (tests), dist/web/assets.js and the bundle's chunks in dist/bundle/ all sit two levels under the package root.
const OWN = new URL('../../src/web/assets/', import.meta.url);

const FILES: Record<string, { type: string; path: () => string }> = {
  'app.js': { type: 'text/javascript; charset=utf-8', path: () => fileURLToPath(new URL('app.js', OWN)) },
  'app.css': { type: 'text/css; charset=utf-8', path: () => fileURLToPath(new URL('app.css', OWN)) },
  'uplot.js': {
    type: 'text/javascript; charset=utf-8',
    path: () => createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'),
  },
  'uplot.css': { type: 'text/css; charset=utf-8', path: () => createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css') },
};

const cache = new Map<string, Promise<Asset>>();

/** The asset by file name, or null when there is no such asset. */
export function loadAsset(name: string): Promise<Asset> | null {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return null;
  let asset = cache.get(name);
  if (!asset) {
    asset = readFile(file.path()).then((body) => ({ type: file.type, body }));
    asset.catch(() => cache.delete(name));
    cache.set(name, asset);
  }
  return asset;
}
