// How a run is stopped from outside: SIGINT (Ctrl-C), SIGTERM, or its standard output closed under it
// (`monitor demo | head -3`). The first stop aborts the command's AbortSignal so it can clean up
// (collect releases its spool lock, the demo closes its server); a command that has not finished
// GRACE_MS later is abandoned, so every command ends within a second, whatever it is waiting on (a
// connect to a silent server, a lock). Nothing is half-written by that: spool files are written
// atomically and database writes are transactions. A command that stops itself cleanly (serve:
// stop accepting, commit what is in flight) gets no deadline; a second signal ends it at once.

import { StoppedError, type StopCause } from '../errors.js';

const GRACE_MS = 500;

export interface Stops {
  /** Aborted, with a StoppedError as its reason, at the first stop. */
  signal: AbortSignal;
  /** Resolves with the StoppedError once the run must end now, finished or not. */
  overdue: Promise<StoppedError>;
  dispose(): void;
}

export interface WatchOptions {
  /** In-process runs (tests) pass their own signal instead of listening to the process. */
  external?: AbortSignal;
  /** Whether the running command stops itself cleanly on the signal (then only a second one forces it). */
  stopsItself: () => boolean;
}

export function watchStops(options: WatchOptions): Stops {
  const controller = new AbortController();
  let endNow!: (error: StoppedError) => void;
  const overdue = new Promise<StoppedError>((resolve) => (endNow = resolve));
  let timer: NodeJS.Timeout | undefined;

  const stop = (cause: StopCause): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C means now; a closed stdout reports EPIPE on every write, which is not a second stop.
      if (cause !== 'stdout closed') endNow(controller.signal.reason as StoppedError);
      return;
    }
    const error = new StoppedError(cause);
    controller.abort(error);
    timer = setTimeout(() => {
      if (!options.stopsItself()) endNow(error);
    }, GRACE_MS);
    timer.unref();
  };

  if (options.external) {
    const external = options.external;
    const onAbort = (): void => stop(external.reason instanceof StoppedError ? external.reason.stopCause : 'SIGINT');
    if (external.aborted) onAbort();
    else external.addEventListener('abort', onAbort, { once: true });
    return { signal: controller.signal, overdue, dispose: () => clearTimeout(timer) };
  }

  const onSigint = (): void => stop('SIGINT');
  const onSigterm = (): void => stop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  // Left installed after dispose(): a write that fails while the process exits must not crash it
  // with a stack trace either.
  // EPIPE when the reader went away; whatever the error, nothing more can be written there.
  process.stdout.on('error', () => stop('stdout closed'));
  process.stderr.on('error', () => undefined);
  return {
    signal: controller.signal,
    overdue,
    dispose: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}
