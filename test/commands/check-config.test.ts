// `monitor check` and the config: an edit of monitor.yaml between runs is synced by the next run
// by itself, and a check that cannot run (a misspelt plugin function, a plugin that throws) fails
// alone with a message that says what is wrong, while every other check still runs.

import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, startFleet, type Fleet } from './support-check/ingest.js';

const INODE_PLUGIN = fileURLToPath(new URL('../fixtures/plugins/inode-usage.mjs', import.meta.url));
const THROWING_PLUGIN = fileURLToPath(new URL('./support-check/plugins/throws-on-evaluate.mjs', import.meta.url));

eachCheckBackend('monitor check and the config', (backend) => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  it('picks up thresholds edited into monitor.yaml between runs: the next run syncs them and uses them', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('web-01');
    expect(await fleet.tick({ 'web-01': { disk: 70 } })).toEqual({ code: 0, stdout: '', stderr: '' });

    // What `checks assign web-01 disk_space --set warn=60 --set crit=65` would write, written by hand.
    await backend().writeConfig(`
hosts:
  web-01:
    checks:
      disk_space: { warn: 60, crit: 65 }
  db-02:
    checks:
      disk_space: { crit: 99 }
`);
    const result = await fleet.tick({ 'web-01': { disk: 70 } });
    expect(result.code).toBe(0);
    expect(lines(result)).toEqual([expect.stringMatching(/^🚨 NEW ALERT #\d+: Disk Space - Host 'web-01' disk usage critical: 70%$/)]);
    // A host the config names but nobody registered is a warning, not a failure.
    expect(result.stderr).toBe("warning: host 'db-02' is in the config but not registered; add it with `monitor hosts add db-02`\n");
    const stored = await backend().sql<{ params_json: string; enabled: number }>(
      `SELECT c.params_json, c.enabled FROM host_alert_checks c JOIN hosts h ON h.host_id = c.host_id
         JOIN alert_types t ON t.check_id = c.check_id WHERE h.host_name = 'web-01' AND t.check_key = 'disk_space'`,
    );
    expect(stored.map((row) => ({ params: JSON.parse(row.params_json) as unknown, enabled: Number(row.enabled) }))).toEqual([
      { params: { warn: 60, crit: 65 }, enabled: 1 },
    ]);

    // Back to the defaults: the alert resolves at 70% (under the default warn 80%).
    await backend().writeConfig('# defaults again\n');
    expect(lines(await fleet.tick({ 'web-01': { disk: 70 } }))).toEqual(["✅ RESOLVED: Disk Space - Host 'web-01' disk usage normal: 70%"]);
  });

  it('a check type naming a function no plugin defines fails alone, naming the known ones; the others run', async () => {
    const config = (fn: string) => `
plugins:
  - ${INODE_PLUGIN}
check_types:
  inode_usage:
    name: Inode Usage
    function: ${fn}
    params: { crit: 90 }
default_checks:
  disk_space:
  inode_usage:
`;
    await backend().writeConfig(config('inode_usge'));
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');

    const result = await fleet.tick({ 'storage-server-04': { disk: 92, load: 95 } });
    expect(result.code).toBe(0);
    expect(lines(result)).toEqual([
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Disk Space - Host 'storage-server-04' disk usage critical: 92%$/),
    ]);
    expect(result.stderr).toBe(
      "warning: inode_usage on 'storage-server-04' did not run: unknown check function 'inode_usge' " +
        '(known: always_ok, dataset_freshness, files_count, host_silent, inode_usage, metric_threshold); list its module under plugins:\n',
    );

    // Fixed in the config: the next run syncs the type and the plugin's check runs.
    await backend().writeConfig(config('inode_usage'));
    const fixed = await fleet.tick({ 'storage-server-04': { disk: 92, load: 95 } });
    expect(fixed.stderr).toBe('');
    expect(lines(fixed)).toEqual([
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Inode Usage - Host 'storage-server-04' inode usage critical: 95%$/),
    ]);
    expect((await alertRows(backend())).map((alert) => alert.check_key)).toEqual(['disk_space', 'inode_usage']);
  });

  it('a plugin check that throws fails its own check with the error, and the run still records the others', async () => {
    await backend().writeConfig(`
plugins:
  - ${THROWING_PLUGIN}
check_types:
  broken_probe:
    name: Broken Probe
    function: broken_probe
default_checks:
  broken_probe:
  disk_space:
`);
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    const result = await fleet.tick({ 'storage-server-04': { disk: 92 } }, ['--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { checks_evaluated: number; transitions: { check_key: string }[]; problems: unknown[] };
    expect(json.checks_evaluated).toBe(1);
    expect(json.transitions.map((t) => t.check_key)).toEqual(['disk_space']);
    expect(json.problems).toEqual([
      {
        host_name: 'storage-server-04',
        check_key: 'broken_probe',
        message: "check function 'broken_probe' failed: Cannot read properties of undefined (reading 'free')",
      },
    ]);
    expect(await alertRows(backend())).toHaveLength(1);
  });
});
