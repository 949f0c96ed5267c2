import { chmod, lstat, readdir, readFile, readlink, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load.js';
import { deleteConfigValue, editConfigFile, setConfigValue } from '../../src/config/write.js';
import { editYaml } from '../../src/config/yaml-edit.js';
import { asyncIssuesOf, tempDir, writeText } from './helpers.js';

// Hand-written on purpose: aligned comments, extra spaces, quotes, flow maps, blank lines and a
// list at column 0 are what a re-serialising writer would normalise away.
const ORIGINAL = `# Production monitor config -- edited by hand AND by \`monitor checks assign\`.

database:
  url:       "mysql://monitor@db-01:3306/monitor"   # primary
  pool_size: 20                                      # serve runs 4 workers

hosts:
  # The public web tier.
  web-01:
    description: 'Front web'
    checks:
      disk_space:
      cpu_usage: false        # noisy during deploys
      memory_usage: {}
      host_silent: true
      files_count: { crit: 3 }

  db-server-03:
    checks:
      memory_usage:
        warn: 92     # buffer pool
        crit: 97

plugins:
- ./plugins/inode.js   # column-0 list
`;

async function configFile(text = ORIGINAL): Promise<string> {
  return writeText(join(await tempDir(), 'monitor.yaml'), text);
}

describe('editing the config file', () => {
  it('changes only the edited value, keeping every other byte', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'db-server-03', 'checks', 'memory_usage', 'crit'], 95);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL.replace('        crit: 97\n', '        crit: 95\n'));
    await setConfigValue(file, ['database', 'url'], 'mysql://monitor@db-02:3306/monitor');
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('        crit: 97\n', '        crit: 95\n').replace('db-01:3306', 'db-02:3306'),
    );
  });

  it('adds a new key under an existing map at its indentation, after its last entry', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'db-server-03', 'checks', 'memory_usage', 'for'], '5m');
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL.replace('        crit: 97\n', '        crit: 97\n        for: 5m\n'));
  });

  it('creates missing hosts and checks as block maps', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'storage-server-04', 'checks', 'disk_space', 'crit'], 92);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('        crit: 97\n', '        crit: 97\n  storage-server-04:\n    checks:\n      disk_space:\n        crit: 92\n'),
    );
    const config = await loadConfig({ explicitPath: file, env: {}, cwd: '/', homedir: '/' });
    expect(config.hosts['storage-server-04']!.checks.disk_space).toEqual({ enabled: true, params: { crit: 92 } });
  });

  it('turns an empty, {} or true host check into a map of params', async () => {
    const file = await configFile();
    await editConfigFile(file, [
      { path: ['hosts', 'web-01', 'checks', 'disk_space', 'crit'], value: 85 },
      { path: ['hosts', 'web-01', 'checks', 'memory_usage', 'crit'], value: 95 },
      { path: ['hosts', 'web-01', 'checks', 'host_silent', 'crit'], value: '10m' },
    ]);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('      disk_space:\n', '      disk_space:\n        crit: 85\n')
        .replace('      memory_usage: {}\n', '      memory_usage:\n        crit: 95\n')
        .replace('      host_silent: true\n', '      host_silent:\n        crit: 10m\n'),
    );
  });

  it('keeps a disabled check disabled when a param is set on it, and keeps its comment', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'cpu_usage', 'crit'], 99);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace(
        '      cpu_usage: false        # noisy during deploys\n',
        '      cpu_usage:        # noisy during deploys\n        enabled: false\n        crit: 99\n',
      ),
    );
    const config = await loadConfig({ explicitPath: file, env: {}, cwd: '/', homedir: '/' });
    expect(config.hosts['web-01']!.checks.cpu_usage).toEqual({ enabled: false, params: { crit: 99 } });
  });

  it('does what `checks assign web-01 disk_space --set crit=85 --disable` needs', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'crit'], 85);
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'enabled'], false);
    const config = await loadConfig({ explicitPath: file, env: {}, cwd: '/', homedir: '/' });
    expect(config.hosts['web-01']!.checks.disk_space).toEqual({ enabled: false, params: { crit: 85 } });
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('      disk_space:\n', '      disk_space:\n        crit: 85\n        enabled: false\n'),
    );
  });

  it('rewrites a one-line flow map it must add to in block style, touching nothing else', async () => {
    const file = await configFile();
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'files_count', 'dataset'], 'orders');
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('      files_count: { crit: 3 }\n', '      files_count:\n        crit: 3\n        dataset: orders\n'),
    );
  });

  it('turns a list of default checks into a map when one of them gets params', () => {
    const text = 'default_checks: [cpu_usage, disk_space]   # the basics\nhosts: {}\n';
    expect(editYaml(text, [{ path: ['default_checks', 'disk_space', 'crit'], value: 95 }])).toBe(
      'default_checks:   # the basics\n  cpu_usage:\n  disk_space:\n    crit: 95\nhosts: {}\n',
    );
  });

  it('gives the same file when the same edit is made twice, without rewriting it', async () => {
    const file = await configFile();
    const edit = ['hosts', 'web-01', 'checks', 'disk_space', 'crit'];
    expect(await setConfigValue(file, edit, 85)).toBe(true);
    const once = await readFile(file, 'utf8');
    const modified = (await stat(file)).mtimeMs;
    expect(await setConfigValue(file, edit, 85)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(once);
    expect((await stat(file)).mtimeMs).toBe(modified);
  });

  it('removes a key with its value and its line comment, leaving the rest', async () => {
    const file = await configFile();
    expect(await deleteConfigValue(file, ['hosts', 'db-server-03', 'checks', 'memory_usage', 'warn'])).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL.replace('        warn: 92     # buffer pool\n', ''));
    await deleteConfigValue(file, ['hosts', 'web-01', 'checks', 'cpu_usage']);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('        warn: 92     # buffer pool\n', '').replace('      cpu_usage: false        # noisy during deploys\n', ''),
    );
  });

  it('removes a whole nested block, and leaves an emptied check as "enabled with defaults"', async () => {
    const file = await configFile();
    await deleteConfigValue(file, ['hosts', 'db-server-03', 'checks', 'memory_usage', 'warn']);
    await deleteConfigValue(file, ['hosts', 'db-server-03', 'checks', 'memory_usage', 'crit']);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('      memory_usage:\n        warn: 92     # buffer pool\n        crit: 97\n', '      memory_usage:\n'),
    );
    const config = await loadConfig({ explicitPath: file, env: {}, cwd: '/', homedir: '/' });
    expect(config.hosts['db-server-03']!.checks.memory_usage).toEqual({ enabled: true, params: {} });
    await deleteConfigValue(file, ['hosts', 'web-01']);
    expect(await readFile(file, 'utf8')).not.toContain('web-01');
    expect(await readFile(file, 'utf8')).toContain('  # The public web tier.\n');
  });

  it('enables a check written as `false` when its `enabled` is deleted, keeping the comment', async () => {
    const file = await configFile();
    expect(await deleteConfigValue(file, ['hosts', 'web-01', 'checks', 'cpu_usage', 'enabled'])).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(
      ORIGINAL.replace('      cpu_usage: false        # noisy during deploys\n', '      cpu_usage:        # noisy during deploys\n'),
    );
    const config = await loadConfig({ explicitPath: file, env: {}, cwd: '/', homedir: '/' });
    expect(config.hosts['web-01']!.checks.cpu_usage).toEqual({ enabled: true, params: {} });
  });

  it('deletes inside a one-line flow map', async () => {
    const file = await configFile();
    await deleteConfigValue(file, ['hosts', 'web-01', 'checks', 'files_count', 'crit']);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL.replace('      files_count: { crit: 3 }\n', '      files_count:\n'));
  });

  it('leaves the file alone when the key to delete is not there', async () => {
    const file = await configFile();
    expect(await deleteConfigValue(file, ['hosts', 'nope', 'checks', 'disk_space'])).toBe(false);
    expect(await deleteConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'crit'])).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
  });

  it('creates the file, and its directory, when missing', async () => {
    const dir = await tempDir();
    const file = join(dir, 'config/monitor/monitor.yaml');
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'crit'], 85);
    expect(await readFile(file, 'utf8')).toBe('hosts:\n  web-01:\n    checks:\n      disk_space:\n        crit: 85\n');
    await setConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'enabled'], false);
    await setConfigValue(file, ['database', 'url'], 'sqlite:/var/lib/monitor/monitor.db');
    expect(await readFile(file, 'utf8')).toBe(
      'hosts:\n  web-01:\n    checks:\n      disk_space:\n        crit: 85\n        enabled: false\ndatabase:\n  url: sqlite:/var/lib/monitor/monitor.db\n',
    );
  });

  it('appends to a file that has only comments, or no final newline', () => {
    expect(editYaml('# to be filled in', [{ path: ['hosts', 'a', 'description'], value: 'x' }])).toBe(
      '# to be filled in\nhosts:\n  a:\n    description: x\n',
    );
    expect(editYaml('hosts:\n  a:\n    description: x', [{ path: ['hosts', 'a', 'description'], value: 'y' }])).toBe(
      'hosts:\n  a:\n    description: y',
    );
    expect(editYaml('hosts:\n  a:\n    description: x', [{ path: ['hosts', 'b'], value: null }])).toBe(
      'hosts:\n  a:\n    description: x\n  b:\n',
    );
  });

  it('keeps Windows line endings', () => {
    const text = 'database:\r\n  pool_size: 4   # small\r\nhosts: {}\r\n';
    expect(editYaml(text, [{ path: ['database', 'connect_timeout'], value: '3s' }])).toBe(
      'database:\r\n  pool_size: 4   # small\r\n  connect_timeout: 3s\r\nhosts: {}\r\n',
    );
  });

  it("follows the file's indentation step and list style for what it adds", () => {
    const text = 'agent:\n    mounts:\n    - /\nhosts:\n    a: {}\n';
    expect(editYaml(text, [{ path: ['hosts', 'b', 'checks', 'disk_space', 'crit'], value: 90 }])).toBe(
      text + '    b:\n        checks:\n            disk_space:\n                crit: 90\n',
    );
    const unindentedList = 'agent:\n  mounts:\n  - /\n';
    expect(editYaml(unindentedList, [{ path: ['agent', 'mounts'], value: ['/', '/data'] }])).toBe('agent:\n  mounts:\n  - /\n  - /data\n');
    const indentedList = 'agent:\n  mounts:\n    - /\n';
    expect(editYaml(indentedList, [{ path: ['agent', 'mounts'], value: ['/', '/data'] }])).toBe(
      'agent:\n  mounts:\n    - /\n    - /data\n',
    );
  });

  it('quotes what YAML would misread and keeps a string as a string', () => {
    const out = editYaml('hosts: {}\n', [
      { path: ['hosts', '1234', 'description'], value: 'true' },
      { path: ['hosts', 'web-01', 'description'], value: 'multi\nline' },
    ]);
    // Read back, every value is the string that was set: nothing turned into a number or a boolean.
    expect(parseYaml(out)).toEqual({ hosts: { '1234': { description: 'true' }, 'web-01': { description: 'multi\nline' } } });
    expect(out).toContain('"1234":');
    expect(out).toContain('description: "true"');
  });

  it('keeps the mode of the file and leaves no temporary file behind', async () => {
    const file = await configFile();
    await chmod(file, 0o600);
    await setConfigValue(file, ['database', 'pool_size'], 5);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(file, '..'))).toEqual(['monitor.yaml']);
  });

  it('edits the target of a symlinked config and keeps the link', async () => {
    const dir = await tempDir();
    const real = await writeText(join(dir, 'real/monitor.yaml'), ORIGINAL);
    const link = join(dir, 'monitor.yaml');
    await symlink(real, link);
    await setConfigValue(link, ['database', 'pool_size'], 5);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe(ORIGINAL.replace('  pool_size: 20 ', '  pool_size: 5 '));
  });

  it('refuses to set a key inside a single value, naming the line, and changes nothing', async () => {
    const file = await configFile();
    const error = await asyncIssuesOf(() => setConfigValue(file, ['database', 'pool_size', 'max'], 5));
    expect(error.issues).toEqual([
      {
        key: 'database.pool_size.max',
        message: 'cannot set a key inside database.pool_size: it holds a single value, not a map',
        file,
        line: 5,
      },
    ]);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
  });

  it('refuses to edit through a YAML alias (it would change every host sharing the anchor), naming the anchor, and changes nothing', async () => {
    const shared =
      'strict: &strict { crit: 80 }\nhosts:\n  web-01:\n    checks:\n      disk_space: *strict\n  db-01:\n    checks:\n      disk_space: *strict\n';
    const file = await configFile(shared);
    const error = await asyncIssuesOf(() => setConfigValue(file, ['hosts', 'web-01', 'checks', 'disk_space', 'crit'], 95));
    expect(error.issues).toEqual([
      {
        key: 'hosts.web-01.checks.disk_space.crit',
        message: 'hosts.web-01.checks.disk_space is an alias (*strict); edit the anchor it refers to',
        file,
        line: 5,
      },
    ]);
    expect(await readFile(file, 'utf8')).toBe(shared);
  });

  it('refuses to set a key in a file whose top level is a list, and changes nothing', async () => {
    const list = '- web-01\n- db-01\n';
    const file = await configFile(list);
    const error = await asyncIssuesOf(() => setConfigValue(file, ['hosts', 'web-01', 'description'], 'x'));
    expect(error.issues).toEqual([
      { key: 'hosts.web-01.description', message: 'cannot set a key: the file is not a map of sections', file, line: 1 },
    ]);
    expect(await readFile(file, 'utf8')).toBe(list);
  });

  it('refuses to edit a file with broken YAML, naming the line, and changes nothing', async () => {
    const broken = 'hosts:\n  web-01: {\n';
    const file = await configFile(broken);
    const error = await asyncIssuesOf(() => setConfigValue(file, ['hosts', 'web-01', 'checks'], {}));
    expect(error.issues[0]).toMatchObject({ file, key: '' });
    expect(error.issues[0]!.message).toMatch(/^cannot edit a file with invalid YAML/);
    expect(await readFile(file, 'utf8')).toBe(broken);
  });
});
