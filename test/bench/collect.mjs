#!/usr/bin/env node
// collect benchmark: what one cron run of `monitor collect` costs — CPU time (user + system, node's
// own start-up included) and wall time per run — sending to a local bare HTTP server that answers 202,
// and in one-box mode writing to the embedded SQLite database. Also `monitor --help`, and `node -e 0`
// as the baseline measured in the same run, so numbers from a noisy shared machine can be compared as
// ratios. Runs the COMPILED code (`npm run build` first): what cron runs.
//
//   npm run build && node test/bench/collect.mjs [--runs 20] [--json] [--only REGEX] [--cpu-prof DIR]
//
// The one-file agent (dist/monitor-agent.mjs, `npm run dist`) is measured too, against a bare Node
// script doing the same reads and one POST (test/bench/collect-bare.mjs); the goal is <= 1.3x its CPU.
//
// Target (DESIGN.md, Performance): at most ~150 ms CPU per run, and no sleep after the first run
// (CPU % is computed over the interval since the previous run from saved /proc/stat counters).
//
// Method: every process is started with test/bench/collect-rusage.cjs preloaded, which writes its
// own getrusage at exit. The first run of each collect scenario is measured apart (it samples the CPU
// for agent.sample_window and registers/migrates in one-box mode); then the scenarios take turns,
// run by run, so background load hits them alike. --cpu-prof DIR also writes a V8 CPU profile of
// every measured run to DIR (open in Chrome DevTools; summarise with test/bench/collect.mjs
// --summarise-prof DIR).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/monitor');
const probe = join(root, 'test/bench/collect-rusage.cjs');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', 20));
const asJson = args.includes('--json');
const profileDir = option('cpu-prof', null);
const summariseDir = option('summarise-prof', null);
/** --only REGEX: just the scenarios whose name matches (the baseline always runs). */
const only = option('only', null);
const BUDGET_CPU_MS = 150;
/** A first-run window long enough that a run which sleeps cannot hide in the noise. */
const SAMPLE_WINDOW_MS = 1000;

if (summariseDir) {
  summariseProfiles(resolve(summariseDir));
  process.exit(0);
}
const agentBundle = join(root, 'dist/monitor-agent.mjs');
if (!existsSync(join(root, 'dist/main.js')) || !existsSync(agentBundle)) {
  console.error('dist/ is missing: run `npm run build && npm run dist` first (the benchmark measures the compiled code).');
  process.exit(1);
}
const bareScript = join(root, 'test/bench/collect-bare.mjs');

// ---- a bare ingest server: reads the body, answers 202 ---------------------------------------

let received = 0;
const bare = createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk) => (size += chunk.length));
  req.on('end', () => {
    received += 1;
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accepted: 1, duplicates: 0, bytes: size }));
  });
});
await new Promise((done) => bare.listen(0, '127.0.0.1', done));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;

// ---- scenarios -------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'monitor-bench-collect-'));
/** withConfig: a ./monitor.yaml (parsed by the yaml package on every run), else the environment only. */
function agentHome(name, withConfig = true) {
  const home = join(work, name);
  mkdirSync(home, { recursive: true });
  if (withConfig) writeFileSync(join(home, 'monitor.yaml'), `agent:\n  sample_window: ${SAMPLE_WINDOW_MS}ms\n`);
  return home;
}

const scenarios = [
  { name: 'node -e 0 (baseline)', argv: ['-e', '0'], home: agentHome('baseline'), env: {}, node: true },
  { name: 'monitor --help', argv: [bin, '--help'], home: agentHome('help'), env: {} },
  {
    name: 'collect -> HTTP 202',
    argv: [bin, 'collect'],
    home: agentHome('http'),
    env: { MONITOR_SERVER_URL: bareUrl, MONITOR_HOST_NAME: 'bench-01', MONITOR_HOST_KEY: 'mk_bench' },
    collect: true,
  },
  {
    // A crontab line with MONITOR_* variables and no config file (the first-run window is then the default 1 s).
    name: 'collect -> HTTP, env only',
    argv: [bin, 'collect'],
    home: agentHome('http-env', false),
    env: { MONITOR_SERVER_URL: bareUrl, MONITOR_HOST_NAME: 'bench-01', MONITOR_HOST_KEY: 'mk_bench' },
    collect: true,
  },
  {
    name: 'bare script: reads + POST',
    argv: [bareScript, '.'],
    home: agentHome('bare', false),
    env: { MONITOR_SERVER_URL: bareUrl, MONITOR_HOST_NAME: 'bench-01', MONITOR_HOST_KEY: 'mk_bench' },
    collect: true,
  },
  {
    name: 'one-file agent -> HTTP',
    argv: [agentBundle, 'collect'],
    home: agentHome('agent-file'),
    env: { MONITOR_SERVER_URL: bareUrl, MONITOR_HOST_NAME: 'bench-01', MONITOR_HOST_KEY: 'mk_bench' },
    collect: true,
  },
  {
    // The same crontab line as the bare script's: settings from MONITOR_* variables, no config file.
    name: 'one-file agent -> HTTP, env only',
    argv: [agentBundle, 'collect'],
    home: agentHome('agent-file-env', false),
    env: { MONITOR_SERVER_URL: bareUrl, MONITOR_HOST_NAME: 'bench-01', MONITOR_HOST_KEY: 'mk_bench' },
    collect: true,
  },
  {
    name: 'collect one-box SQLite',
    argv: [bin, 'collect'],
    home: agentHome('sqlite'),
    env: { MONITOR_HOST_NAME: 'bench-01' },
    collect: true,
  },
];

if (only) {
  const keep = new RegExp(only, 'i');
  for (let i = scenarios.length - 1; i > 0; i--) if (!keep.test(scenarios[i].name)) scenarios.splice(i, 1);
}

let profileSeq = 0;
function runOnce(scenario, label) {
  const rusageFile = join(work, `rusage-${process.pid}.json`);
  rmSync(rusageFile, { force: true });
  const nodeArgs = ['--require', probe];
  if (profileDir && !scenario.node) {
    mkdirSync(profileDir, { recursive: true });
    nodeArgs.push(
      '--cpu-prof',
      '--cpu-prof-dir',
      profileDir,
      '--cpu-prof-name',
      `${String(++profileSeq).padStart(3, '0')}-${label}.cpuprofile`,
    );
  }
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...nodeArgs, ...scenario.argv], {
      cwd: scenario.home,
      env: { PATH: process.env.PATH, HOME: scenario.home, TZ: 'UTC', MONITOR_BENCH_RUSAGE: rusageFile, ...scenario.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return fail(new Error(`${scenario.name} exited ${code}: ${stderr.trim()}`));
      const usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
      done({
        wallMs,
        cpuMs: (usage.userUs + usage.systemUs) / 1000,
        userMs: usage.userUs / 1000,
        sysMs: usage.systemUs / 1000,
        rssMb: usage.maxRssKb / 1024,
      });
    });
  });
}

const firstRuns = new Map();
for (const scenario of scenarios.filter((s) => s.collect)) {
  firstRuns.set(scenario.name, await runOnce(scenario, `${slug(scenario.name)}-first`));
}
const samples = new Map(scenarios.map((scenario) => [scenario.name, []]));
for (let i = 0; i < runs; i++) {
  // Rotate the order each round: no scenario always runs right after the same neighbour.
  for (let k = 0; k < scenarios.length; k++) {
    const scenario = scenarios[(i + k) % scenarios.length];
    samples.get(scenario.name).push(await runOnce(scenario, slug(scenario.name)));
  }
}
bare.close();
rmSync(work, { recursive: true, force: true });

// ---- report ----------------------------------------------------------------------------------

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
function slug(name) {
  return name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

const baseline = samples.get(scenarios[0].name);
const baseCpu = percentile(
  baseline.map((s) => s.cpuMs),
  50,
);
const results = scenarios.map((scenario) => {
  const list = samples.get(scenario.name);
  const stat = (key) => ({
    median: percentile(
      list.map((s) => s[key]),
      50,
    ),
    p90: percentile(
      list.map((s) => s[key]),
      90,
    ),
  });
  const cpu = stat('cpuMs');
  const wall = stat('wallMs');
  const first = firstRuns.get(scenario.name) ?? null;
  return {
    scenario: scenario.name,
    runs: list.length,
    cpuMs: cpu,
    userMs: stat('userMs'),
    sysMs: stat('sysMs'),
    wallMs: wall,
    rssMb: stat('rssMb'),
    cpuOverBaselineMs: cpu.median - baseCpu,
    cpuRatioToBaseline: cpu.median / baseCpu,
    firstRun: first,
    // A run that slept for the CPU window would take at least SAMPLE_WINDOW_MS of wall time.
    sleptAfterFirstRun: scenario.collect ? list.some((s) => s.wallMs >= SAMPLE_WINDOW_MS) : null,
    withinBudget: scenario.collect ? cpu.median <= BUDGET_CPU_MS : null,
  };
});

const cpuOf = (name) => results.find((r) => r.scenario === name)?.cpuMs.median;
const agentRatio = cpuOf('one-file agent -> HTTP') / cpuOf('bare script: reads + POST');
const agentEnvRatio = cpuOf('one-file agent -> HTTP, env only') / cpuOf('bare script: reads + POST');
const fullRatio = cpuOf('collect -> HTTP 202') / cpuOf('bare script: reads + POST');

if (asJson) {
  console.log(
    JSON.stringify(
      {
        agentCpuRatioToBareScript: agentRatio,
        fullCpuRatioToBareScript: fullRatio,
        budgetCpuMs: BUDGET_CPU_MS,
        sampleWindowMs: SAMPLE_WINDOW_MS,
        httpRequests: received,
        results,
      },
      null,
      2,
    ),
  );
} else {
  const fmt = (n) => n.toFixed(0).padStart(5);
  console.log(`\n===== collect benchmark: ${runs} runs each after the first, interleaved (node ${process.version}) =====`);
  console.log('scenario                   cpu ms med/p90   (user+sys)   wall ms med/p90   cpu - baseline   x baseline');
  for (const r of results) {
    console.log(
      `${r.scenario.padEnd(25)} ${fmt(r.cpuMs.median)} /${fmt(r.cpuMs.p90)}  (${fmt(r.userMs.median)}+${fmt(r.sysMs.median).trim()})   ` +
        `${fmt(r.wallMs.median)} /${fmt(r.wallMs.p90)}   ${fmt(r.cpuOverBaselineMs)}          ${r.cpuRatioToBaseline.toFixed(2)}`,
    );
  }
  console.log('');
  for (const r of results.filter((x) => x.firstRun)) {
    console.log(
      `${r.scenario}: first run ${r.firstRun.cpuMs.toFixed(0)} ms CPU, ${r.firstRun.wallMs.toFixed(0)} ms wall (samples CPU for ${SAMPLE_WINDOW_MS} ms)`,
    );
    console.log(
      `  later runs: ${r.sleptAfterFirstRun ? 'SOME SLEPT (wall >= sample window)' : 'no sleep'}; CPU median ${r.withinBudget ? 'within' : 'OVER'} the ${BUDGET_CPU_MS} ms budget`,
    );
  }
  if (Number.isFinite(agentRatio)) {
    console.log(
      `\none-file agent CPU / bare script CPU: ${agentRatio.toFixed(2)}x with a config file, ${agentEnvRatio.toFixed(2)}x with the environment only as the bare script (goal <= 1.3x); monitor collect / bare script: ${fullRatio.toFixed(2)}x`,
    );
  }
  console.log(`\nbare server received ${received} requests`);
}

// ---- --summarise-prof: where the time went, by package / project file ------------------------

function summariseProfiles(dir) {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  const groups = new Map();
  const byScenario = new Map();
  for (const file of files) {
    const scenario = file.replace(/^\d+-/, '').replace(/\.cpuprofile$/, '');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const selfUs = selfTimes(profile);
    const totals = byScenario.get(scenario) ?? new Map();
    byScenario.set(scenario, totals);
    groups.set(scenario, (groups.get(scenario) ?? 0) + 1);
    for (const [group, us] of selfUs) totals.set(group, (totals.get(group) ?? 0) + us);
  }
  for (const [scenario, totals] of byScenario) {
    const count = groups.get(scenario);
    const all = [...totals.values()].reduce((a, b) => a + b, 0);
    console.log(`\n== ${scenario}: ${count} profiles, mean ${(all / count / 1000).toFixed(1)} ms sampled JS+native time per run`);
    for (const [group, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`${(us / count / 1000).toFixed(1).padStart(7)} ms  ${group}`);
    }
  }
}

/** Self time per node, grouped by package (node_modules/<pkg>), project file (dist/…), node internals, or (gc)/(program). */
function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const group = groupOf(node.callFrame);
    self.set(group, (self.get(group) ?? 0) + (deltas[i] ?? 0));
  }
  return self;
}

function groupOf(frame) {
  const url = frame.url ?? '';
  const name = frame.functionName || '(anonymous)';
  if (url === '') return name.startsWith('(') ? name : `(native) ${name}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return `pkg ${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (url.startsWith('node:')) return `node internals (${url.split('/')[0]})`;
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `dist/${url.slice(dist + '/dist/'.length)}`;
  return url.replace(/^file:\/\//, '');
}
