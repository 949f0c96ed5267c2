import type { Context } from '../context.js';
import { ConfigError, UnavailableError } from '../errors.js';
import { collectReport } from '../agent/sample.js';
import { parsePipelineFlags, type PipelineFlags } from '../agent/pipeline.js';
import { Spool } from '../agent/spool.js';
import { deliverWithSpool, type DeliverSummary, type SendBatch } from '../agent/deliver.js';
import { toWireReport } from '../reports/report.js';
import { printJson } from '../output/json.js';

export interface CollectOptions extends PipelineFlags {
  /** false with --no-metrics. */
  metrics?: boolean;
  print?: boolean;
}

/**
 * `monitor collect`: one report of this host, sent to `server.url` with the host key, or written to
 * the database when no server URL is configured. Silent on success (cron mails any output). When the
 * server or database cannot be reached the report is spooled and the run exits 1 with one line.
 */
export async function collect(ctx: Context, options: CollectOptions): Promise<DeliverSummary | null> {
  const { agent, server } = ctx.config;
  const pipeline = parsePipelineFlags(options);
  const now = ctx.clock.now();
  const report = await collectReport({
    hostName: agent.hostName,
    now,
    stateDir: agent.stateDir,
    mounts: agent.mounts,
    sampleWindowMs: agent.sampleWindowMs,
    metrics: options.metrics !== false,
    pipeline,
    mountsSource: { file: ctx.config.file, line: ctx.config.lineOf(['agent', 'mounts']) },
  });
  if (options.print) {
    printJson(ctx.out, toWireReport(report));
    return null;
  }

  const { send, close } = await chooseSender(ctx);
  let summary: DeliverSummary;
  try {
    summary = await deliverWithSpool({
      spool: Spool.inStateDir(agent.stateDir),
      report,
      send,
      batchSize: agent.batchSize,
      limits: { maxBytes: agent.spoolMaxBytes, maxAgeMs: agent.spoolMaxAgeMs },
      now,
      log: ctx.log,
    });
  } finally {
    await close();
  }
  if (summary.unavailable !== null) {
    throw new UnavailableError(`could not deliver the report: ${summary.unavailable}`, {
      hint: `${summary.spooled} report(s) kept in the spool are sent first on the next run`,
    });
  }
  ctx.log.debug(`sent ${summary.sent} report(s)`, { spooled: summary.spooled, dropped: summary.dropped });
  return summary;
}

async function chooseSender(ctx: Context): Promise<{ send: SendBatch; close: () => Promise<void> }> {
  const { agent, server } = ctx.config;
  if (server.url) {
    if (!agent.hostKey) {
      throw new ConfigError([
        {
          key: 'agent.host_key',
          message: `no host key for '${agent.hostName}': register the host on the server with \`monitor hosts add ${agent.hostName}\` and set agent.host_key or MONITOR_HOST_KEY`,
          file: ctx.config.file,
          line: ctx.config.lineOf(['agent', 'host_key']),
        },
      ]);
    }
    const { sendReports } = await import('../agent/send.js');
    const serverUrl = server.url;
    const hostKey = agent.hostKey;
    return { send: (reports) => sendReports({ serverUrl, hostKey, reports, timeoutMs: agent.timeoutMs }), close: async () => {} };
  }
  const { databaseSender } = await import('../agent/one-box.js');
  const { loadRegistry } = await import('../checks/load-registry.js');
  const sender = databaseSender(ctx, ctx.config, () => loadRegistry(ctx.config, ctx.cwd));
  return { send: (reports) => sender.send(reports), close: () => sender.close() };
}
