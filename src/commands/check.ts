import type { Context } from '../context.js';
import { withStore } from '../store/with-store.js';
import { loadRegistry } from '../checks/load-registry.js';
import { requireHost } from '../hosts/lookup.js';
import { formatTransitionLine } from '../alerts/lines.js';
import { runCheck, type CheckRunResult } from '../alerts/run-check.js';
import { createNotifiers } from '../notify/create-notifiers.js';
import { toNotificationPayload } from '../notify/payload.js';
import { printJson } from '../output/json.js';
import { resolveMoment, type Moment } from '../time/moment.js';
import { makeChalk } from '../output/colour.js';
import { limitPerCheck, type ListedLine } from '../output/transition-list.js';
import type { TransitionRecord } from '../alerts/types.js';

export interface CheckOptions {
  dryRun: boolean | undefined;
  host: string | undefined;
  at: Moment | undefined;
  json: boolean | undefined;
}

/**
 * `monitor check`: one line per transition that is announced (quiet ones — cooldown, flapping,
 * acknowledged — are recorded and shown with --verbose or --json). Exit 0 whenever it ran.
 */
export async function check(ctx: Context, options: CheckOptions): Promise<CheckRunResult> {
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const now = options.at ? resolveMoment(options.at, ctx.clock.now()) : ctx.clock.now();
  // A replay is read-only: evaluating the past must never resolve, open or announce anything now.
  const dryRun = Boolean(options.dryRun) || options.at !== undefined;
  const result = await withStore(ctx, async (store) =>
    runCheck({
      store,
      config: ctx.config,
      registry,
      notifiers: dryRun ? [] : createNotifiers(ctx.config.notify, { secrets: ctx.secrets, env: ctx.env }),
      log: ctx.log,
      now,
      wallClock: () => ctx.clock.now(),
      host: options.host === undefined ? null : await requireHost(store, options.host),
      dryRun,
    }),
  );

  if (options.json) {
    printJson(ctx.out, {
      evaluated_at: now,
      dry_run: dryRun,
      skipped: result.skipped,
      checks_evaluated: result.evaluated,
      // Each transition as notifiers receive it (webhook JSON), plus whether it was announced.
      transitions: result.transitions.map((record) => ({
        ...toNotificationPayload(record, formatTransitionLine(record)),
        at: record.at,
        notified: record.notify,
        quiet_reason: record.quietReason,
      })),
      problems: [
        ...(result.fleetProblem === null ? [] : [{ host_name: null, check_key: 'host_silent', message: result.fleetProblem }]),
        ...result.problems.map((p) => ({ host_name: p.hostName, check_key: p.checkKey, message: p.message })),
      ],
    });
    return result;
  }

  if (result.skipped) {
    ctx.log.info(`${result.skipped}; nothing to do this time`);
    return result;
  }
  const chalk = makeChalk(ctx.out.color);
  const prefix = dryRun ? chalk.dim('[dry run] ') : '';
  const printed: ListedLine<TransitionRecord>[] = [];
  for (const record of result.transitions) {
    const line = formatTransitionLine(record);
    if (record.notify) printed.push({ item: record, line: `${prefix}${line}` });
    else if (ctx.verbose || dryRun) printed.push({ item: record, line: `${prefix}${chalk.dim(line)}` });
  }
  for (const line of limitPerCheck(printed)) ctx.out.write(`${line}\n`);
  if (result.fleetProblem !== null) ctx.log.warn(result.fleetProblem);
  for (const problem of result.problems) ctx.log.warn(`${problem.checkKey} on '${problem.hostName}' did not run: ${problem.message}`);
  if (result.delivery && result.delivery.failed > 0) {
    ctx.log.warn(`${result.delivery.failed} notification(s) failed; they are retried on the next run`);
  }
  if (result.conflicts > 0)
    ctx.log.debug(
      `${result.conflicts} host check(s) changed under this run (another \`monitor check\` run's transition, or a close); left as they are`,
    );
  ctx.log.debug(`evaluated ${result.evaluated} host checks, ${result.transitions.length} transitions`);
  return result;
}
