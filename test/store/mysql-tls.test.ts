// TLS to MySQL/MariaDB, against private MariaDB servers of this file's own (test/support/tls-mariadb.ts):
// ?ssl-ca= verifies the server against that CA, ?ssl=true against the system's CAs (which do not
// know the test CA: refused, with the fix), ?ssl=no-verify encrypts without checking, no parameter
// stays plain TCP, and a server without TLS is refused when TLS is asked for. Encryption is read
// from the server's own count of TLS handshakes, not taken on trust.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../support/cli.js';
import { newSample } from '../support/samples.js';
import { useTempDir } from '../support/temp-dir.js';
import { describeThrowawayMariadb, startThrowawayMariadb, type ThrowawayMariadb } from '../support/tls-mariadb.js';
import { databaseConfig } from '../support/database-config.js';

const open = (url: string): Promise<Store> => openStore(databaseConfig(url));

async function openFailure(url: string): Promise<UnavailableError> {
  const error = await open(url).then(
    async (store) => {
      await store.close();
      return null;
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnavailableError);
  return error as UnavailableError;
}

describeThrowawayMariadb('MySQL over TLS', () => {
  let withTls: ThrowawayMariadb;
  let withoutTls: ThrowawayMariadb;
  /** TLS with a certificate from the same kind of CA, but for another host's name. */
  let otherName: ThrowawayMariadb;
  /** Whatever started, so it is stopped even when another failed to. */
  let servers: ThrowawayMariadb[] = [];
  const home = useTempDir('monitor-tls-cli-');

  beforeAll(async () => {
    const started = await Promise.allSettled([
      startThrowawayMariadb({ tls: true }),
      startThrowawayMariadb({ tls: false }),
      startThrowawayMariadb({ tls: true, certificateNames: ['DNS:db.example.com'] }),
    ]);
    servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    [withTls, withoutTls, otherName] = servers as [ThrowawayMariadb, ThrowawayMariadb, ThrowawayMariadb];
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('ssl-ca: verifies the server against that CA, and both the store and its ingest writer connect encrypted', async () => {
    const before = await withTls.tlsAccepts();
    const store = await open(withTls.url('monitor_ca', `ssl-ca=${withTls.caPath}`));
    try {
      expect(store.location).toBe(`mysql://monitor_tls@127.0.0.1:${withTls.port}/monitor_ca?ssl-ca=${withTls.caPath}`);
      const host = await store.addHost({ hostName: 'web-01', keyHash: 'a'.repeat(64), description: null, createdAt: new Date() });
      const afterOpen = await withTls.tlsAccepts();
      expect(afterOpen).toBeGreaterThan(before);
      // The ingest path has a pool of its own (one round trip per commit): it must be encrypted too.
      expect(await store.insertSampleGroups([[newSample(host.hostId, new Date())]])).toEqual([{ inserted: 1, duplicates: 0 }]);
      expect(await withTls.tlsAccepts()).toBe(afterOpen + 1);
    } finally {
      await store.close();
    }
  });

  it('no ssl parameter: plain TCP, even to a server that offers TLS', async () => {
    const before = await withTls.tlsAccepts();
    const store = await open(withTls.url('monitor_plain'));
    try {
      await store.listHosts();
      expect(store.location).toBe(`mysql://monitor_tls@127.0.0.1:${withTls.port}/monitor_plain`);
    } finally {
      await store.close();
    }
    expect(await withTls.tlsAccepts()).toBe(before);
  });

  it("ssl=true: refuses a certificate the system's CAs did not sign, and says how to trust it", async () => {
    const error = await openFailure(withTls.url('monitor_system_ca', 'ssl=true'));
    expect(error.message).toMatch(
      new RegExp(
        `^MySQL at 127\\.0\\.0\\.1:${withTls.port}: the TLS handshake failed \\(self-signed certificate in certificate chain; certificates checked against the system's CAs\\)$`,
      ),
    );
    expect(error.hint).toMatch(/ssl-ca=\/path\/to\/ca\.pem .* ssl=no-verify/);
  });

  it('ssl-ca with a host name: checks that the certificate is for that name', async () => {
    const store = await open(withTls.url('monitor_by_name', `ssl-ca=${withTls.caPath}`, 'localhost'));
    await store.close();
    const error = await openFailure(otherName.url('monitor_other_name', `ssl-ca=${otherName.caPath}`, 'localhost'));
    expect(error.message).toBe(
      `MySQL at localhost:${otherName.port}: the TLS handshake failed (Hostname/IP does not match certificate's altnames: ` +
        `Host: localhost. is not in the cert's altnames: DNS:db.example.com; certificates checked against the CA in ${otherName.caPath})`,
    );
  });

  it('ssl-ca with an IP address: the CA vouches for the server, the name is not checked (mysql2 would check "localhost")', async () => {
    const before = await otherName.tlsAccepts();
    const store = await open(otherName.url('monitor_by_ip', `ssl-ca=${otherName.caPath}`));
    await store.close();
    expect(await otherName.tlsAccepts()).toBeGreaterThan(before);
    // A certificate from another CA is still refused at an IP address.
    const error = await openFailure(otherName.url('monitor_by_ip', `ssl-ca=${withTls.caPath}`));
    expect(error.message).toMatch(/the TLS handshake failed \(self-signed certificate in certificate chain; /);
  });

  it('ssl=no-verify: encrypts without checking the certificate', async () => {
    const before = await withTls.tlsAccepts();
    const store = await open(withTls.url('monitor_no_verify', 'ssl=no-verify'));
    try {
      expect(await store.listHosts()).toEqual([]);
    } finally {
      await store.close();
    }
    expect(await withTls.tlsAccepts()).toBeGreaterThan(before);
  });

  it('a server without TLS is refused when the URL asks for TLS, never used in the clear', async () => {
    const error = await openFailure(withoutTls.url('monitor_no_tls', 'ssl=true'));
    expect(error.message).toBe(
      `MySQL at 127.0.0.1:${withoutTls.port} does not offer TLS, and database.url / MONITOR_DATABASE_URL asks for it`,
    );
    expect(error.hint).toMatch(/enable TLS on the server/);
  });

  it('the CLI works over TLS end to end', async () => {
    const env = { MONITOR_DATABASE_URL: withTls.url('monitor_cli', `ssl-ca=${withTls.caPath}`) };
    const added = await runCli(['hosts', 'add', 'web-01'], { home: home.path, env });
    expect(added.code, added.stderr).toBe(0);
    const listed = await runCli(['hosts', 'list', '--json'], { home: home.path, env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { host_name: string }[]).map((host) => host.host_name)).toEqual(['web-01']);
  });
});
