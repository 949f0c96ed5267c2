import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import type { CheckType } from '../../store/types.js';

/** `monitor checks types`: the alert_types catalogue with default params. */
export async function checksTypes(ctx: Context, options: { json: boolean | undefined }): Promise<CheckType[]> {
  const types = await withStore(ctx, (store) => store.listCheckTypes());
  if (options.json) {
    printJson(
      ctx.out,
      types.map((type) => ({
        check_id: type.checkId,
        check_key: type.checkKey,
        check_name: type.checkName,
        function_name: type.functionName,
        params: type.params,
        severity: type.severity,
        cooldown_seconds: type.cooldownSeconds,
      })),
    );
    return types;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    renderTable(
      types,
      [
        { header: 'KEY', value: (type) => type.checkKey },
        { header: 'NAME', value: (type) => type.checkName },
        { header: 'FUNCTION', value: (type) => type.functionName },
        {
          header: 'DEFAULTS',
          value: (type) =>
            Object.entries(type.params)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' '),
        },
        { header: 'COOLDOWN', value: (type) => `${type.cooldownSeconds}s`, align: 'right' },
      ],
      chalk,
    ),
  );
  return types;
}
