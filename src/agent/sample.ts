// One host sample: CPU, memory, disk and load gathered at once into a Report. Everything here is
// cheap on Linux (a few /proc reads and a statfs); only a first run waits, for the CPU window.

import { UsageError } from '../errors.js';
import type { Report } from '../reports/report.js';
import { cpuBusyPct } from './cpu.js';
import { fullestMountPct, type MountsSource } from './disk.js';
import { load1 } from './load.js';
import { memoryUsedPct } from './memory.js';
import { pipelineOnlyReport, withPipelineFacts, type PipelineFacts } from './pipeline.js';

export interface SampleHostOptions {
  hostName: string;
  /** collected_at of the report. */
  now: Date;
  /** Holds the saved CPU counters. */
  stateDir: string;
  /** false: read the saved CPU counters but do not replace them (collect --print). Default true. */
  saveCpuCounters?: boolean;
  mounts: readonly string[];
  /** First run only: how long to sample CPU. */
  sampleWindowMs: number;
  /** Root of the proc file system (default /proc); tests pass fixtures. */
  procRoot?: string;
  /** Tests replace the first-run wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Where agent.mounts was configured, for the error on a missing mount. */
  mountsSource?: MountsSource;
}

export async function sampleHost(options: SampleHostOptions): Promise<Report> {
  const procRoot = options.procRoot ?? '/proc';
  // allSettled, not all: a missing mount must not leave the CPU sampler writing after the run failed.
  const [cpuResult, memResult, diskResult] = await Promise.allSettled([
    cpuBusyPct({
      stateDir: options.stateDir,
      sampleWindowMs: options.sampleWindowMs,
      now: options.now,
      procRoot,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      saveCounters: options.saveCpuCounters !== false,
    }),
    memoryUsedPct({ procRoot }),
    fullestMountPct(options.mounts, options.mountsSource),
  ]);
  // The disk error first: a config mistake (exit 2) says more than whatever else went wrong.
  const diskPct = valueOf(diskResult);
  const cpu = valueOf(cpuResult);
  const memPct = valueOf(memResult);
  return {
    hostName: options.hostName,
    collectedAt: options.now,
    cpuPct: roundOrNull(cpu.pct),
    memPct: round2(memPct),
    diskPct: round2(diskPct),
    load1: roundOrNull(load1()),
    datasetName: null,
    partitionKey: null,
    filesCount: null,
    firstEventAt: null,
    lastEventAt: null,
  };
}

export interface CollectReportOptions extends SampleHostOptions {
  /** false: a pipeline-only report, no host metrics sampled (and no CPU window). */
  metrics: boolean;
  pipeline: PipelineFacts | null;
}

/** What `monitor collect` sends: host metrics, pipeline facts, or both. */
export async function collectReport(options: CollectReportOptions): Promise<Report> {
  if (!options.metrics) {
    if (!options.pipeline) {
      throw new UsageError('nothing to report: metrics are off and no --dataset was given', {
        hint: 'collect the host metrics too, or add --dataset NAME with the pipeline facts',
      });
    }
    return pipelineOnlyReport(options.hostName, options.now, options.pipeline);
  }
  return withPipelineFacts(await sampleHost(options), options.pipeline);
}

/** Reports carry two decimals: more is noise, and it keeps the wire and the tables short. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round2(value);
}
