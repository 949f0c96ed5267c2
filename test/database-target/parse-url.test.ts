import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseLocation, isParseError, mysqlLocation, parseDatabaseUrl } from '../../src/database-target/parse-url.js';
import type { DatabaseTarget } from '../../src/database-target/types.js';
import { useTempDir } from '../support/temp-dir.js';

const base = { baseDir: '/srv/monitor', homedir: '/home/ops' };
const parse = (url: string, at = base): DatabaseTarget => {
  const target = parseDatabaseUrl(url, at);
  if (isParseError(target)) throw new Error(target.error);
  return target;
};
const errorOf = (url: string): string => {
  const target = parseDatabaseUrl(url, base);
  if (!isParseError(target)) throw new Error(`accepted ${url}`);
  return target.error;
};

describe('database URL', () => {
  it('reads mysql:// and mariadb:// URLs, decoding user, password and database', () => {
    expect(parse('mysql://mon%40itor:p%3Ass@db.example.com:3307/metrics')).toEqual({
      kind: 'mysql',
      host: 'db.example.com',
      port: 3307,
      user: 'mon@itor',
      password: 'p:ss',
      database: 'metrics',
      tls: null,
    });
    expect(parse('mariadb://root@127.0.0.1/monitor')).toMatchObject({ kind: 'mysql', port: 3306, user: 'root', password: '' });
    expect(parse('mysql://u@[::1]:3306/m')).toMatchObject({ host: '::1' });
  });

  it.each([
    ['percent-encoded', 'mysql://mon:a%2Fb%25c%40d%23e%3Ff@db:3306/m', 'a/b%c@d#e?f'],
    ['with / unencoded', 'mysql://mon:Sup3r/S3cret@db:3306/m', 'Sup3r/S3cret'],
    ['with @ # ? unencoded', 'mysql://mon:p@ss#w?rd@db:3306/m', 'p@ss#w?rd'],
    ['with a colon', 'mysql://mon:a:b@db/m', 'a:b'],
  ])('reads a password %s: everything up to the last @ is the user part', (_, url, password) => {
    expect(parse(url)).toMatchObject({ user: 'mon', password, host: 'db', database: 'm' });
  });

  it('reads every SQLite form, resolving relative paths against the base directory, never percent-decoding', () => {
    const sqlite = (path: string) => ({ kind: 'sqlite', path });
    expect(parse('sqlite:/var/lib/monitor/monitor.db')).toEqual(sqlite('/var/lib/monitor/monitor.db'));
    expect(parse('sqlite:///var/lib/monitor.db')).toEqual(sqlite('/var/lib/monitor.db'));
    expect(parse('sqlite:data/monitor.db')).toEqual(sqlite('/srv/monitor/data/monitor.db'));
    expect(parse('sqlite::memory:')).toEqual(sqlite(':memory:'));
    expect(parse('./local.sqlite')).toEqual(sqlite('/srv/monitor/local.sqlite'));
    expect(parse('/abs/x.db')).toEqual(sqlite('/abs/x.db'));
    expect(parse('~/m.db')).toEqual(sqlite('/home/ops/m.db'));
    expect(parse('sqlite:/tmp/50%.db')).toEqual(sqlite('/tmp/50%.db'));
  });

  it.each([
    ['postgres://u@h/db', /unsupported database 'postgres:'/],
    ['mysql://root@127.0.0.1:3306', /names no database/],
    ['mysql://root@127.0.0.1:3306/a/b', /must name one database/],
    ['mysql://root@127.0.0.1:notaport/m', /not a valid URL/],
    ['mysql://root@/m', /names no host/],
    ['monitor', /'monitor' is not a database URL/],
    ['sqlite:', /names no file/],
    ['sqlite://rel.db', /ambiguous/],
    ['', /is empty/],
  ])('refuses %j', (url, message) => {
    expect(errorOf(url)).toMatch(message);
  });

  it.each([
    [
      'a % not followed by hex digits',
      'mysql://mon:50%off@db:3306/m',
      /has a % that is not followed by two hex digits.*database\.password/,
    ],
    ['a bad port after a / in the password', 'mysql://mon:Sup3r/S3cret@db:port/m', /not a valid URL/],
    ['no database after a password with /', 'mysql://mon:Sup3r/S3cret@db:3306', /names no database/],
    ['invalid UTF-8 when decoded', 'mysql://mon:%C3%28xx@db/m', /not valid percent-encoded UTF-8/],
  ])('refuses %s, showing the URL with the whole password masked', (_, url, message) => {
    const error = errorOf(url);
    expect(error).toMatch(message);
    const password = url.slice('mysql://mon:'.length, url.lastIndexOf('@'));
    expect(error).not.toContain(password);
    for (const piece of password.split(/[/%@#?]/).filter((part) => part.length >= 3)) expect(error).not.toContain(piece);
  });

  it.each(['mysql:/mon:Sup3r/S3cret@db/m', 'mysql:mon:Sup3r/S3cret@db/m'])(
    'refuses %j (a slash missing) without showing its password',
    (url) => {
      const error = errorOf(url);
      expect(error).toMatch(/not a valid URL/);
      expect(error).toContain('mon:***@db/m');
      expect(error).not.toContain('S3cret');
    },
  );

  describe('TLS parameters of a mysql:// URL', () => {
    const dir = useTempDir('monitor-url-tls-');
    const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const tlsOf = (query: string, baseDir = base.baseDir) =>
      (parse(`mysql://u@db:3306/m?${query}`, { ...base, baseDir }) as { tls: unknown }).tls;

    it('ssl=true (or required) verifies against the system CAs, no-verify only encrypts, false and no parameter mean plain TCP', () => {
      expect(tlsOf('ssl=true')).toEqual({ verify: true, ca: null, caPath: null });
      expect(tlsOf('ssl=REQUIRED')).toEqual({ verify: true, ca: null, caPath: null });
      expect(tlsOf('ssl=no-verify')).toEqual({ verify: false, ca: null, caPath: null });
      expect(tlsOf('ssl=false')).toBeNull();
      expect((parse('mysql://u@db:3306/m') as { tls: unknown }).tls).toBeNull();
    });

    it('ssl-ca reads the CA file (relative to the base directory) and turns verified TLS on', async () => {
      await writeFile(join(dir.path, 'ca.pem'), PEM);
      expect(tlsOf('ssl-ca=ca.pem', dir.path)).toEqual({ verify: true, ca: PEM, caPath: join(dir.path, 'ca.pem') });
      expect(tlsOf(`ssl-ca=${join(dir.path, 'ca.pem')}&ssl=no-verify`)).toMatchObject({ verify: false, ca: PEM });
      expect(
        mysqlLocation({
          host: 'db',
          port: 3306,
          user: 'u',
          password: 'x',
          database: 'm',
          tls: { verify: true, ca: PEM, caPath: '/etc/ca.pem' },
        }),
      ).toBe('mysql://u@db:3306/m?ssl-ca=/etc/ca.pem');
      expect(
        mysqlLocation({ host: 'db', port: 3306, user: 'u', password: 'x', database: 'm', tls: { verify: false, ca: null, caPath: null } }),
      ).toBe('mysql://u@db:3306/m?ssl=no-verify');
    });

    it.each([
      ['sslmode=require', /unknown parameter 'sslmode' \(known: ssl=true\|no-verify\|false, ssl-ca=\/path\/to\/ca\.pem\)/],
      ['ssl=maybe', /ssl=maybe is not one of true, no-verify, false/],
      ['ssl=true&ssl=false', /parameter 'ssl' is given more than once/],
      ['ssl=false&ssl-ca=/etc/ca.pem', /ssl=false contradicts ssl-ca/],
      ['ssl-ca=', /ssl-ca names no file/],
      ['ssl-ca=/no/such/ca.pem', /ssl-ca: cannot read \/no\/such\/ca\.pem \(ENOENT\)/],
    ])('refuses ?%s', (query, message) => {
      expect(errorOf(`mysql://u@db:3306/m?${query}`)).toMatch(message);
    });

    it('refuses an ssl-ca file that holds no PEM certificate', async () => {
      await writeFile(join(dir.path, 'key.txt'), 'not a certificate');
      expect(() => tlsOf('ssl-ca=key.txt', dir.path)).toThrow(`ssl-ca: ${join(dir.path, 'key.txt')} holds no PEM certificate`);
    });
  });

  it('prints a location without the password', () => {
    expect(databaseLocation(parse('mysql://monitor:secret@db:3306/m'))).toBe('mysql://monitor@db:3306/m');
    expect(databaseLocation(parse('sqlite:/var/m.db'))).toBe('sqlite:/var/m.db');
  });
});
