import type { Context, Logger } from '../context.js';
import { ConfigError, StoppedError, UnavailableError, UsageError } from '../errors.js';
import { collectReport } from '../agent/sample.js';
import { parsePipelineFlags, type PipelineFlags } from '../agent/pipeline.js';
import { Spool } from '../agent/spool.js';
import { deliverWithSpool, type DeliverSummary, type SendBatch } from '../agent/deliver.js';
import type { SendResult } from '../agent/send.js';
import { toWireReport, type Report } from '../reports/report.js';
import { InvalidReportError, parseReport } from '../reports/validate.js';

export interface CollectOptions extends PipelineFlags {
  dataset: string | undefined;
  partition: string | undefined;
  files: string | undefined;
  firstEvent: string | undefined;
  lastEvent: string | undefined;
  /** false with --no-metrics. */
  metrics: boolean | undefined;
  print: boolean | undefined;
}

/**
 * `monitor collect`: one report of this host, sent to `server.url` with the host key, or written to
 * the database when no server URL is configured. Silent on success (cron mails any output). When the
 * server or database cannot be reached the report is spooled and the run exits 1 with one line.
 */
export async function collect(ctx: Context, options: CollectOptions): Promise<DeliverSummary | null> {
  const { agent } = ctx.config;
  const pipeline = parsePipelineFlags(options);
  const now = ctx.clock.now();
  const report = await collectReport({
    hostName: agent.hostName,
    now,
    stateDir: agent.stateDir,
    // A printed report is a look, not a run: the next cron run still measures CPU since the last one.
    saveCpuCounters: !options.print,
    mounts: agent.mounts,
    sampleWindowMs: agent.sampleWindowMs,
    metrics: options.metrics !== false,
    pipeline,
    mountsSource: { file: ctx.config.file, line: ctx.config.lineOf(['agent', 'mounts']) },
  });
  checkSendable(report, now);
  if (options.print) {
    const { printJson } = await import('../output/json.js');
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
      log: quietInfo(ctx.log),
    });
  } finally {
    await close();
  }
  if (ctx.signal.aborted) {
    // The spool lock is released and the report is in the spool (written atomically before sending).
    const stopped = ctx.signal.reason as StoppedError;
    throw new StoppedError(stopped.stopCause, { hint: `${summary.spooled} report(s) kept in the spool are sent first on the next run` });
  }
  if (summary.unavailable !== null) {
    throw new UnavailableError(`could not deliver the report: ${summary.unavailable}`, {
      hint: `${summary.spooled} report(s) kept in the spool are sent first on the next run`,
    });
  }
  ctx.log.debug(`sent ${summary.sent} report(s)`, { spooled: summary.spooled, dropped: summary.dropped });
  return summary;
}

/** Report fields that come from collect's flags, for messages that name the flag. */
const FLAG_OF_FIELD: Record<string, string> = {
  dataset_name: '--dataset',
  partition_key: '--partition',
  files_count: '--files',
  first_event_at: '--first-event',
  last_event_at: '--last-event',
};

/**
 * The server's own validation, before anything is spooled: a value it would refuse (a dataset name
 * with a space, a files count past INT) is a bad flag now — exit 2 naming the flag — not a report
 * that is refused, or in one-box mode stuck in the spool, on every later run.
 */
function checkSendable(report: Report, now: Date): void {
  try {
    parseReport(toWireReport(report), '', now);
  } catch (error) {
    if (!(error instanceof InvalidReportError)) throw error;
    const flag = FLAG_OF_FIELD[error.field];
    if (!flag) throw error;
    throw new UsageError(`${flag}: ${error.message.slice(error.field.length + 2)}`, { cause: error });
  }
}

/**
 * The delivery's info lines ("server not reached: …; 1 report(s) kept …") repeat what this command
 * says itself in its one error line, and a cron run must print nothing when all is well: they become
 * debug lines (--verbose). Warnings (dropped or set-aside reports) still print.
 */
function quietInfo(log: Logger): Logger {
  return { ...log, info: (message, fields) => log.debug(message, fields) };
}

async function readCaFile(ctx: Context, file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const fail = (message: string): never => {
    throw new ConfigError([{ key: 'agent.ca_file', message, file: ctx.config.file, line: ctx.config.lineOf(['agent', 'ca_file']) }]);
  };
  let pem = '';
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) fail(`${file} holds no PEM certificate`);
  return pem;
}

async function chooseSender(ctx: Context): Promise<{ send: SendBatch; close: () => Promise<void> }> {
  const { agent, server } = ctx.config;
  if (server.url) {
    // No key configured: the one this host got when it registered itself, if it did.
    const { readSavedHostKey, registeringSender } = await import('../agent/register.js');
    const hostKey = agent.hostKey ?? (await readSavedHostKey(agent.stateDir));
    if (!hostKey && !agent.registrationToken) {
      throw new ConfigError([
        {
          key: 'agent.host_key',
          message: `no host key for '${agent.hostName}': register the host on the server with \`monitor hosts add ${agent.hostName}\` and set agent.host_key or MONITOR_HOST_KEY, or let it register itself with agent.registration_token (MONITOR_REGISTRATION_TOKEN)`,
          file: ctx.config.file,
          line: ctx.config.lineOf(['agent', 'host_key']),
        },
      ]);
    }
    const { sendReports } = await import('../agent/send.js');
    const serverUrl = server.url;
    const ca = agent.caFile === null ? null : await readCaFile(ctx, agent.caFile);
    const send: SendBatch = registeringSender({
      serverUrl,
      hostName: agent.hostName,
      hostKey,
      registrationToken: agent.registrationToken,
      stateDir: agent.stateDir,
      timeoutMs: agent.timeoutMs,
      ca,
      send: (key, reports) => sendReports({ serverUrl, hostKey: key, reports, timeoutMs: agent.timeoutMs, ca }),
    });
    return { send: stoppable(send, ctx.signal), close: async () => {} };
  }
  const { databaseSender } = await import('../agent/one-box.js');
  const sender = databaseSender(ctx);
  return { send: stoppable((reports) => sender.send(reports), ctx.signal), close: () => sender.close() };
}

/**
 * SIGINT/SIGTERM ends the wait for the server or database at once, as "not reached": the delivery
 * stops, keeps the unacknowledged reports in the spool and releases its lock. A write that still
 * lands later is stored once when the spool re-sends it.
 */
function stoppable(send: SendBatch, signal: AbortSignal): SendBatch {
  const stopped: SendResult = { kind: 'unavailable', reason: 'stopped before the answer' };
  return (reports) => {
    if (signal.aborted) return Promise.resolve(stopped);
    return new Promise<SendResult>((resolve, reject) => {
      const onAbort = (): void => resolve(stopped);
      signal.addEventListener('abort', onAbort, { once: true });
      send(reports).then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  };
}
