// The registry a command uses: the built-in check functions plus the config's plugins (imported only
// when the config lists any).

import { dirname } from 'node:path';
import type { Config } from '../config/types.js';
import { createRegistry, type CheckRegistry } from './registry.js';

export async function loadRegistry(config: Config, cwd: string): Promise<CheckRegistry> {
  if (config.plugins.length === 0) return createRegistry();
  const { loadPlugins } = await import('./load-plugins.js');
  const plugins = await loadPlugins(config.plugins, {
    baseDir: config.file ? dirname(config.file) : cwd,
    file: config.file,
    lineOf: (path) => config.lineOf(path),
  });
  return createRegistry(plugins);
}
