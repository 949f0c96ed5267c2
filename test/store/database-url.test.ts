import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { mysqlLocation, parseDatabaseUrl } from '../../src/store/database-url.js';
import { openStore } from '../../src/store/open-store.js';
import { useTempDir } from '../support/temp-dir.js';

const source = { cwd: '/srv/monitor' };

describe('database.url', () => {
  it('reads mysql:// and mariadb:// URLs, decoding user, password and database', () => {
    expect(parseDatabaseUrl('mysql://mon%40itor:p%3Ass@db.example.com:3307/metrics', source)).toEqual({
      kind: 'mysql',
      host: 'db.example.com',
      port: 3307,
      user: 'mon@itor',
      password: 'p:ss',
      database: 'metrics',
      tls: null,
    });
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1/monitor', source)).toMatchObject({ kind: 'mysql', port: 3306, user: 'root', password: '' });
    expect(parseDatabaseUrl('mysql://u@[::1]:3306/m', source)).toMatchObject({ host: '::1' });
  });

  it('reads every SQLite form, resolving relative paths against the working directory', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/monitor/monitor.db', source)).toEqual({ kind: 'sqlite', path: '/var/lib/monitor/monitor.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/monitor.db', source)).toEqual({ kind: 'sqlite', path: '/var/lib/monitor.db' });
    expect(parseDatabaseUrl('sqlite:data/monitor.db', source)).toEqual({ kind: 'sqlite', path: '/srv/monitor/data/monitor.db' });
    expect(parseDatabaseUrl('sqlite::memory:', source)).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('./local.sqlite', source)).toEqual({ kind: 'sqlite', path: '/srv/monitor/local.sqlite' });
    expect(parseDatabaseUrl('/abs/x.db', source)).toEqual({ kind: 'sqlite', path: '/abs/x.db' });
    expect(parseDatabaseUrl('', { ...source, defaultSqlitePath: '/home/me/.local/share/monitor/monitor.db' })).toEqual({
      kind: 'sqlite',
      path: '/home/me/.local/share/monitor/monitor.db',
    });
  });

  it.each([
    ['postgres://u@h/db', /'postgres' databases are not supported/],
    ['mysql://root@127.0.0.1:3306', /must name one database/],
    ['mysql://root@127.0.0.1:3306/a/b', /must name one database/],
    ['mysql://root@127.0.0.1:notaport/m', /not a valid URL/],
    ['monitor', /is not a database URL/],
    ['sqlite:', /names no file/],
    ['', /is empty/],
  ])('refuses %j with a ConfigError naming database.url', (url, message) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url, { ...source, file: '/etc/monitor/monitor.yaml', line: 3 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue).toMatchObject({ key: 'database.url', file: '/etc/monitor/monitor.yaml', line: 3 });
    expect(issue.message).toMatch(message);
  });

  describe('TLS parameters of a mysql:// URL', () => {
    const dir = useTempDir('monitor-url-tls-');
    const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const tlsOf = (query: string, cwd = source.cwd) => (parseDatabaseUrl(`mysql://u@db:3306/m?${query}`, { cwd }) as { tls: unknown }).tls;

    it('ssl=true (or required) verifies against the system CAs, no-verify only encrypts, false and no parameter mean plain TCP', () => {
      expect(tlsOf('ssl=true')).toEqual({ verify: true, ca: null, caPath: null });
      expect(tlsOf('ssl=REQUIRED')).toEqual({ verify: true, ca: null, caPath: null });
      expect(tlsOf('ssl=no-verify')).toEqual({ verify: false, ca: null, caPath: null });
      expect(tlsOf('ssl=false')).toBeNull();
      expect((parseDatabaseUrl('mysql://u@db:3306/m', source) as { tls: unknown }).tls).toBeNull();
    });

    it('ssl-ca reads the CA file (relative to the working directory) and turns verified TLS on', async () => {
      await writeFile(join(dir.path, 'ca.pem'), PEM);
      expect(tlsOf('ssl-ca=ca.pem', dir.path)).toEqual({ verify: true, ca: PEM, caPath: join(dir.path, 'ca.pem') });
      expect(tlsOf(`ssl-ca=${join(dir.path, 'ca.pem')}&ssl=no-verify`)).toMatchObject({ verify: false, ca: PEM });
      expect(mysqlLocation({ host: 'db', port: 3306, user: 'u', password: 'x', database: 'm', tls: { verify: true, ca: PEM, caPath: '/etc/ca.pem' } })).toBe(
        'mysql://u@db:3306/m?ssl-ca=/etc/ca.pem',
      );
      expect(mysqlLocation({ host: 'db', port: 3306, user: 'u', password: 'x', database: 'm', tls: { verify: false, ca: null, caPath: null } })).toBe(
        'mysql://u@db:3306/m?ssl=no-verify',
      );
    });

    it.each([
      ['sslmode=require', /unknown parameter 'sslmode' \(known: ssl=true\|no-verify\|false, ssl-ca=\/path\/to\/ca\.pem\)/],
      ['ssl=maybe', /ssl=maybe is not one of true, no-verify, false/],
      ['ssl=true&ssl=false', /parameter 'ssl' is given more than once/],
      ['ssl=false&ssl-ca=/etc/ca.pem', /ssl=false contradicts ssl-ca/],
      ['ssl-ca=', /ssl-ca names no file/],
      ['ssl-ca=/no/such/ca.pem', /ssl-ca: cannot read \/no\/such\/ca\.pem \(ENOENT\)/],
    ])('refuses ?%s with a ConfigError naming database.url', (query, message) => {
      expect(() => tlsOf(query)).toThrow(ConfigError);
      expect(() => tlsOf(query)).toThrow(message);
    });

    it('refuses an ssl-ca file that holds no PEM certificate', async () => {
      await writeFile(join(dir.path, 'key.txt'), 'not a certificate');
      expect(() => tlsOf('ssl-ca=key.txt', dir.path)).toThrow(`ssl-ca: ${join(dir.path, 'key.txt')} holds no PEM certificate`);
    });
  });

  it('never repeats a password in its error messages', () => {
    expect(() => parseDatabaseUrl('mysql://root:s3cret@127.0.0.1:3306', source)).toThrow(/root:\*\*\*@/);
    expect(() => parseDatabaseUrl('mysql://root:s3cret@127.0.0.1:3306', source)).not.toThrow(/s3cret/);
  });

  it('prints a location without the password', () => {
    expect(mysqlLocation({ host: 'db', port: 3306, user: 'monitor', password: 'secret', database: 'm' })).toBe('mysql://monitor@db:3306/m');
  });

  it('fails openStore with the ConfigError before touching any database', async () => {
    await expect(openStore({ url: 'redis://localhost', poolSize: 1, connectTimeoutMs: 100 })).rejects.toBeInstanceOf(ConfigError);
  });
});
