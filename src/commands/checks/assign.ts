import type { Context } from '../../context.js';
import { ConfigError, UsageError } from '../../errors.js';
import { withStore } from '../../store/with-store.js';
import { loadRegistry } from '../../checks/load-registry.js';
import { normaliseParams } from '../../checks/params.js';
import { loadConfig } from '../../config/load.js';
import { defaultConfigFile } from '../../config/locate.js';
import { editConfigFile, type ConfigEdit } from '../../config/write.js';
import { planCatalogue } from '../../host-checks/catalogue.js';
import { desiredChecksFor, effectiveRawParams } from '../../host-checks/desired.js';
import { applySync, planSync } from '../../host-checks/sync.js';
import { assertHostName } from '../../hosts/host-name.js';
import { printJson } from '../../output/json.js';
import type { Store } from '../../store/store.js';
import type { CheckType } from '../../store/types.js';

export interface ChecksAssignOptions {
  set: string[] | undefined;
  unset: string[] | undefined;
  disable: boolean | undefined;
  enable: boolean | undefined;
  json: boolean | undefined;
}

export interface ChecksAssignResult {
  file: string;
  host_name: string;
  check_key: string;
  enabled: boolean;
  overrides: Record<string, unknown>;
  params: Record<string, unknown>;
  host_registered: boolean;
}

/** `--set crit=85` values as YAML would read them: numbers, booleans, else strings ("5m"). */
function parseSetting(pair: string): [string, unknown] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects key=value, got '${pair}'`);
  const key = pair.slice(0, eq).trim();
  const raw = pair.slice(eq + 1).trim();
  if (/^-?\d+(\.\d+)?$/.test(raw)) return [key, Number(raw)];
  if (raw === 'true' || raw === 'false') return [key, raw === 'true'];
  return [key, raw];
}

/**
 * `monitor checks assign HOST CHECK --set k=v … [--disable]`: validates first (nothing is written
 * when a value is bad), then edits the YAML config keeping its comments, then syncs.
 */
export async function checksAssign(ctx: Context, hostName: string, checkKey: string, options: ChecksAssignOptions): Promise<ChecksAssignResult> {
  assertHostName(hostName);
  if (options.disable && options.enable) throw new UsageError('--disable and --enable contradict each other; give one');
  const sets = (options.set ?? []).map(parseSetting);
  const unsets = options.unset ?? [];
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const file = ctx.config.file ?? defaultConfigFile({ env: ctx.env, homedir: ctx.homedir });
  const checkPath = ['hosts', hostName, 'checks', checkKey];

  return withStore(ctx, async (store) => {
    const type = await findCheckType(store, ctx, checkKey);
    // What the host will run after the edit: default_checks' params under the edited host layer.
    const hostLayer: Record<string, unknown> = { ...ctx.config.hosts[hostName]?.checks[checkKey]?.params, ...Object.fromEntries(sets) };
    for (const key of unsets) delete hostLayer[key];
    const inherited = { ...ctx.config.defaultChecks[checkKey]?.params, ...hostLayer };

    if (registry.has(type.functionName)) {
      const { problems } = normaliseParams(registry.get(type.functionName), effectiveRawParams(type, inherited));
      if (problems.length > 0) {
        throw new ConfigError(
          problems.map((problem) => ({ key: [...checkPath, problem.key].join('.'), message: problem.message, file, line: null })),
          { hint: 'nothing was changed' },
        );
      }
    }

    const edits: ConfigEdit[] = [
      ...sets.map(([key, value]) => ({ path: [...checkPath, key], value })),
      ...unsets.map((key) => ({ path: [...checkPath, key], delete: true as const })),
      ...(options.disable ? [{ path: [...checkPath, 'enabled'], value: false }] : []),
      ...(options.enable ? [{ path: [...checkPath, 'enabled'], delete: true as const }] : []),
    ];
    if (edits.length === 0 && !ctx.config.hosts[hostName]?.checks[checkKey]) edits.push({ path: checkPath, value: {} });
    await editConfigFile(file, edits);

    const config = await loadConfig({ explicitPath: file, env: ctx.env, cwd: ctx.cwd, homedir: ctx.homedir });
    const plan = await planSync(store, config, registry);
    await applySync(store, plan);

    const desired = desiredChecksFor(config, hostName).find((check) => check.checkKey === checkKey);
    const result: ChecksAssignResult = {
      file,
      host_name: hostName,
      check_key: checkKey,
      enabled: desired?.enabled ?? false,
      overrides: desired?.params ?? {},
      params: effectiveRawParams(type, desired?.params ?? {}),
      host_registered: (await store.findHostByName(hostName)) !== null,
    };
    if (!result.host_registered) {
      ctx.log.warn(`host '${hostName}' is not registered yet; the check applies once you run \`monitor hosts add ${hostName}\``);
    }
    if (options.json) printJson(ctx.out, result);
    else {
      const shown = Object.entries(result.params).map(([key, value]) => `${key}=${String(value)}`).join(' ');
      ctx.out.write(`${result.enabled ? 'Enabled' : 'Disabled'} ${checkKey} for ${hostName}: ${shown}\nWrote ${file} and synced host checks.\n`);
    }
    return result;
  });
}

async function findCheckType(store: Store, ctx: Context, checkKey: string): Promise<CheckType> {
  const stored = await store.listCheckTypes();
  const { upserts } = planCatalogue(ctx.config, stored);
  const all = new Map<string, CheckType>(stored.map((type) => [type.checkKey, type]));
  for (const upsert of upserts) all.set(upsert.checkKey, { checkId: all.get(upsert.checkKey)?.checkId ?? -1, ...upsert });
  const type = all.get(checkKey);
  if (!type) throw new UsageError(`unknown check '${checkKey}' (known: ${[...all.keys()].sort().join(', ')})`, { hint: 'see `monitor checks types`' });
  return type;
}
