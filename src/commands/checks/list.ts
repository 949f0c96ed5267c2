import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { requireHost } from '../../hosts/lookup.js';
import { effectiveRawParams } from '../../host-checks/desired.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';

export interface EffectiveCheckRow {
  host_name: string;
  check_key: string;
  check_name: string;
  enabled: boolean;
  /** The type's defaults with the host's overrides applied. */
  params: Record<string, unknown>;
  /** Only what this host overrides (host_alert_checks.params_json). */
  overrides: Record<string, unknown>;
}

/** `monitor checks list [HOST]`: the thresholds each host check really runs with. */
export async function checksList(
  ctx: Context,
  hostName: string | undefined,
  options: { json: boolean | undefined },
): Promise<EffectiveCheckRow[]> {
  const { checks, types } = await withStore(ctx, async (store) => {
    const host = hostName === undefined ? undefined : await requireHost(store, hostName);
    return {
      checks: await store.listHostChecks(host ? { hostId: host.hostId } : {}),
      types: new Map((await store.listCheckTypes()).map((type) => [type.checkKey, type])),
    };
  });
  const rows: EffectiveCheckRow[] = checks.map((check) => {
    const type = types.get(check.checkKey)!;
    return {
      host_name: check.hostName,
      check_key: check.checkKey,
      check_name: type.checkName,
      enabled: check.enabled,
      params: effectiveRawParams(type, check.params),
      overrides: check.params,
    };
  });
  if (options.json) {
    printJson(ctx.out, rows);
    return rows;
  }
  if (rows.length === 0) {
    ctx.out.write(
      `No host checks${hostName ? ` for '${hostName}'` : ''} yet. Register hosts with \`monitor hosts add\`; configure checks in monitor.yaml.\n`,
    );
    return rows;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    renderTable(
      rows,
      [
        { header: 'HOST', value: (row) => row.host_name },
        { header: 'CHECK', value: (row) => row.check_key },
        { header: 'ENABLED', value: (row) => (row.enabled ? 'yes' : 'no'), style: (text, row) => (row.enabled ? text : chalk.dim(text)) },
        {
          header: 'THRESHOLDS (* = set for this host)',
          value: (row) =>
            Object.entries(row.params)
              .map(([key, value]) => `${key}=${String(value)}${key in row.overrides ? '*' : ''}`)
              .join(' '),
        },
      ],
      chalk,
    ),
  );
  return rows;
}
