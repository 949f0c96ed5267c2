// `checks assign` as domain code: one host's check, changed in the YAML config (comments kept) and
// synced. Validated first against the effective catalogue and the check function, so a bad value
// writes nothing; the host layer is judged over what it inherits from default_checks, as the sync
// will merge them.

import type { Config } from '../config/types.js';
import { editConfigFile, type ConfigEdit } from '../config/write.js';
import { ConfigError, UsageError, type ConfigIssue } from '../errors.js';
import type { CheckRegistry } from '../checks/registry.js';
import { normaliseParams } from '../checks/params.js';
import type { Store } from '../store/store.js';
import type { CheckType } from '../store/types.js';
import { effectiveCatalogue } from './catalogue.js';
import { desiredChecksFor, effectiveRawParams } from './desired.js';
import { applySync, planSync } from './sync.js';
import { configuredChannels } from '../notify/configured-channels.js';
import type { TransitionRecord } from '../alerts/types.js';

export interface AssignRequest {
  hostName: string;
  checkKey: string;
  /** Params to set on the host's layer, values as YAML would read them. */
  set: readonly (readonly [string, unknown])[];
  /** Params to drop from the host's layer (back to the inherited value). */
  unset: readonly string[];
  /** false: turn the check off for this host; true: drop that; undefined: leave it. */
  enabled: boolean | undefined;
}

export interface AssignDeps {
  store: Store;
  config: Config;
  registry: CheckRegistry;
  /** The YAML file to edit (the config's own, or where a new one goes). */
  file: string;
  /** Reads the edited file back, as the next command will. */
  reloadConfig: () => Promise<Config>;
  /** When the edit happens: a check it disables has its open alert closed then. */
  now: Date;
}

export interface AssignOutcome {
  enabled: boolean;
  /** The host's overrides after the edit. */
  overrides: Record<string, unknown>;
  /** The type's defaults under those overrides. */
  params: Record<string, unknown>;
  hostRegistered: boolean;
  /** Open alerts closed because the edit disabled their check ("check disabled", announced). */
  closed: TransitionRecord[];
}

export async function assignCheck(deps: AssignDeps, request: AssignRequest): Promise<AssignOutcome> {
  const { store, registry, file } = deps;
  const { types } = effectiveCatalogue(deps.config, await store.listCheckTypes());
  const type = types.get(request.checkKey);
  if (!type) {
    throw new UsageError(`unknown check '${request.checkKey}' (known: ${[...types.keys()].sort().join(', ')})`, {
      hint: 'see `monitor checks types`',
    });
  }
  const problems = assignProblems(deps.config, type, registry, request, file);
  if (problems.length > 0) throw new ConfigError(problems, { hint: 'nothing was changed' });

  await editConfigFile(file, assignEdits(deps.config, request));
  const config = await deps.reloadConfig();
  const closed = await applySync(store, await planSync(store, config, registry), {
    now: deps.now,
    channels: configuredChannels(config.notify),
  });

  const desired = desiredChecksFor(config, request.hostName).find((check) => check.checkKey === request.checkKey);
  return {
    enabled: desired?.enabled ?? false,
    overrides: desired?.params ?? {},
    params: effectiveRawParams(type, desired?.params ?? {}),
    hostRegistered: (await store.findHostByName(request.hostName)) !== null,
    closed,
  };
}

function checkPath(request: AssignRequest): string[] {
  return ['hosts', request.hostName, 'checks', request.checkKey];
}

/** The params the host will run after the edit (default_checks' under its edited layer), as the check function judges them. */
function assignProblems(config: Config, type: CheckType, registry: CheckRegistry, request: AssignRequest, file: string): ConfigIssue[] {
  if (!registry.has(type.functionName)) return [];
  const hostLayer: Record<string, unknown> = {
    ...config.hosts[request.hostName]?.checks[request.checkKey]?.params,
    ...Object.fromEntries(request.set),
  };
  for (const key of request.unset) delete hostLayer[key];
  const inherited = { ...config.defaultChecks[request.checkKey]?.params, ...hostLayer };
  const { problems } = normaliseParams(registry.get(type.functionName), effectiveRawParams(type, inherited));
  return problems.map((problem) => ({ key: [...checkPath(request), problem.key].join('.'), message: problem.message, file, line: null }));
}

/** The YAML edits; a check the host layer does not list yet gets an empty entry, so it is listed. */
function assignEdits(config: Config, request: AssignRequest): ConfigEdit[] {
  const path = checkPath(request);
  const edits: ConfigEdit[] = [
    ...request.set.map(([key, value]) => ({ path: [...path, key], value })),
    ...request.unset.map((key) => ({ path: [...path, key], delete: true as const })),
    ...(request.enabled === false ? [{ path: [...path, 'enabled'], value: false }] : []),
    ...(request.enabled === true ? [{ path: [...path, 'enabled'], delete: true as const }] : []),
  ];
  if (edits.length === 0 && !config.hosts[request.hostName]?.checks[request.checkKey]) edits.push({ path, value: {} });
  return edits;
}
