import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { withStore } from '../../store/with-store.js';
import { loadRegistry } from '../../checks/load-registry.js';
import { loadConfig } from '../../config/load.js';
import { defaultConfigFile } from '../../config/locate.js';
import { assignCheck } from '../../host-checks/assign.js';
import { assertHostName } from '../../hosts/host-name.js';
import { printJson } from '../../output/json.js';
import { formatTransitionLine } from '../../alerts/lines.js';

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
  /** Open alerts closed because the check is now disabled for the host ("check disabled"). */
  closed_alerts: number[];
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
export async function checksAssign(
  ctx: Context,
  hostName: string,
  checkKey: string,
  options: ChecksAssignOptions,
): Promise<ChecksAssignResult> {
  assertHostName(hostName);
  if (options.disable && options.enable) throw new UsageError('--disable and --enable contradict each other; give one');
  const request = {
    hostName,
    checkKey,
    set: (options.set ?? []).map(parseSetting),
    unset: options.unset ?? [],
    enabled: options.disable ? false : options.enable ? true : undefined,
  };
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const file = ctx.config.file ?? defaultConfigFile({ env: ctx.env, homedir: ctx.homedir });
  const reloadConfig = () => loadConfig({ explicitPath: file, env: ctx.env, cwd: ctx.cwd, homedir: ctx.homedir });

  const outcome = await withStore(ctx, (store) =>
    assignCheck({ store, config: ctx.config, registry, file, reloadConfig, now: ctx.clock.now() }, request),
  );
  const result: ChecksAssignResult = {
    file,
    host_name: hostName,
    check_key: checkKey,
    enabled: outcome.enabled,
    overrides: outcome.overrides,
    params: outcome.params,
    host_registered: outcome.hostRegistered,
    closed_alerts: outcome.closed.map((record) => record.alertId!),
  };
  if (!result.host_registered) {
    ctx.log.warn(`host '${hostName}' is not registered yet; the check applies once you run \`monitor hosts add ${hostName}\``);
  }
  if (options.json) printJson(ctx.out, result);
  else {
    const shown = Object.entries(result.params)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    ctx.out.write(
      `${result.enabled ? 'Enabled' : 'Disabled'} ${checkKey} for ${hostName}: ${shown}\nWrote ${file} and synced host checks.\n`,
    );
    for (const record of outcome.closed) ctx.out.write(`${formatTransitionLine(record)}\n`);
  }
  return result;
}
