import { readdir, readFile, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../src/agent/spool.js';
import type { Report } from '../../src/reports/report.js';
import { tempDir } from '../support/temp-dir.js';
import { newReport } from '../support/samples.js';

const now = new Date('2024-06-08T12:00:00Z');
const DAY = 86_400_000;

const report = (collectedAt: Date, cpuPct = 10): Report => newReport(collectedAt, { cpuPct });

function ago(ms: number): Date {
  return new Date(now.getTime() - ms);
}

async function newSpool(): Promise<Spool> {
  return Spool.inStateDir(await tempDir());
}

describe('spool', () => {
  it('keeps reports in their wire form and hands them back oldest first, whatever the order they were spooled in', async () => {
    const spool = await newSpool();
    await spool.append([report(ago(60_000), 2)]);
    await spool.append([report(ago(180_000), 1)]);
    await spool.append([report(ago(0), 3)]);
    const entries = await spool.list();
    expect(entries.map((entry) => entry.reports.map((r) => r.cpu_pct))).toEqual([[1], [2], [3]]);
    expect(entries[0]!.reports[0]).toEqual({
      host_name: 'web-01',
      collected_at: ago(180_000).toISOString(),
      cpu_pct: 1,
      mem_pct: 20,
      disk_pct: 30,
      load_1: 0.5,
    });
    expect(await spool.size()).toBe(3);
  });

  it('keeps the append order of reports collected in the same millisecond', async () => {
    const spool = await newSpool();
    for (let i = 0; i < 20; i += 1) await spool.append([report(now, i)]);
    expect((await spool.list()).map((entry) => entry.reports[0]!.cpu_pct)).toEqual([...Array(20).keys()]);
  });

  it('stores a batch as one file and leaves no temporary file behind', async () => {
    const spool = await newSpool();
    const file = await spool.append([report(ago(2000), 1), report(ago(1000), 2)]);
    expect(await readdir(spool.dir)).toEqual([file]);
    expect((JSON.parse(await readFile(join(spool.dir, file), 'utf8')) as { reports: unknown }).reports).toHaveLength(2);
  });

  it('is empty before anything was spooled', async () => {
    const spool = await newSpool();
    expect(await spool.list()).toEqual([]);
    expect(await spool.enforceLimits({ maxBytes: 1, maxAgeMs: 1, now })).toEqual({ tooOld: 0, overSize: 0 });
  });

  it('ignores a half-written temporary file and sets a corrupt spool file aside instead of failing', async () => {
    const spool = await newSpool();
    const good = await spool.append([report(ago(1000))]);
    const corrupt = '000000000000001-000001-deadbeef.json';
    await writeFile(join(spool.dir, corrupt), '{"version":1,"reports":[{"host_na');
    await writeFile(join(spool.dir, '.tmp-000000000000002-000001-00000000.json-1-abcd'), '{"version":1,"rep');
    const setAside: string[] = [];
    const entries = await spool.list((file) => setAside.push(file));
    expect(entries.map((entry) => entry.file)).toEqual([good]);
    expect(setAside).toEqual([corrupt]);
    expect(await readdir(join(spool.dir, 'set-aside'))).toEqual([`${corrupt}.corrupt`]);
    // A second look no longer sees it.
    expect((await spool.list((file) => setAside.push(file))).map((entry) => entry.file)).toEqual([good]);
    expect(setAside).toHaveLength(1);
  });

  it('sets aside a file whose reports do not have the wire shape', async () => {
    const spool = await newSpool();
    await mkdir(spool.dir, { recursive: true });
    const odd = '000000000000001-000001-deadbeef.json';
    await writeFile(join(spool.dir, odd), JSON.stringify({ version: 1, reports: [{ host_name: 'x', collected_at: 'soon' }] }));
    const setAside: string[] = [];
    expect(await spool.list((file) => setAside.push(file))).toEqual([]);
    // Kept for a human to look at, not deleted, and not sent.
    expect(setAside).toEqual([odd]);
    expect((await readdir(join(spool.dir, 'set-aside'))).map((name) => name.startsWith(odd))).toEqual([true]);
  });

  it('removes a file once, and a second removal of it is harmless', async () => {
    const spool = await newSpool();
    const file = await spool.append([report(now)]);
    await spool.remove(file);
    await spool.remove(file);
    expect(await spool.list()).toEqual([]);
  });

  it('drops reports older than the age limit and says how many', async () => {
    const spool = await newSpool();
    await spool.append([report(ago(9 * DAY))]);
    await spool.append([report(ago(8 * DAY))]);
    const young = await spool.append([report(ago(6 * DAY))]);
    expect(await spool.enforceLimits({ maxBytes: 10 * 1024 * 1024, maxAgeMs: 7 * DAY, now })).toEqual({ tooOld: 2, overSize: 0 });
    expect((await spool.list()).map((entry) => entry.file)).toEqual([young]);
  });

  it('keeps the young reports of a batch that is partly too old', async () => {
    const spool = await newSpool();
    const file = await spool.append([report(ago(8 * DAY), 1), report(ago(DAY), 2)]);
    expect(await spool.enforceLimits({ maxBytes: 1e9, maxAgeMs: 7 * DAY, now })).toEqual({ tooOld: 1, overSize: 0 });
    const entries = await spool.list();
    expect(entries.map((entry) => entry.file)).toEqual([file]);
    expect(entries[0]!.reports.map((r) => r.cpu_pct)).toEqual([2]);
  });

  it('drops the oldest files until the spool fits its size limit', async () => {
    const spool = await newSpool();
    const files: string[] = [];
    for (let i = 0; i < 5; i += 1) files.push(await spool.append([report(ago((5 - i) * 60_000), i)]));
    const sizes = await Promise.all(files.map(async (file) => (await stat(join(spool.dir, file))).size));
    const roomForTwo = sizes[3]! + sizes[4]!;
    expect(await spool.enforceLimits({ maxBytes: roomForTwo, maxAgeMs: 7 * DAY, now })).toEqual({ tooOld: 0, overSize: 3 });
    expect((await spool.list()).map((entry) => entry.file)).toEqual(files.slice(3));
  });

  it("never drops the run's own report for size, even when it alone is over the limit", async () => {
    const spool = await newSpool();
    const old = await spool.append([report(ago(60_000))]);
    const own = await spool.append([report(now)]);
    expect(await spool.enforceLimits({ maxBytes: 10, maxAgeMs: 7 * DAY, now, keep: own })).toEqual({ tooOld: 0, overSize: 1 });
    expect((await spool.list()).map((entry) => entry.file)).toEqual([own]);
    expect(old).not.toBe(own);
  });

  it('cleans temporary files of killed writes once they are stale, but not one that may still be written', async () => {
    const spool = await newSpool();
    await spool.append([report(now)]);
    const stale = join(spool.dir, '.tmp-a.json-1-aaaa');
    const fresh = join(spool.dir, '.tmp-b.json-2-bbbb');
    await writeFile(stale, 'x');
    await writeFile(fresh, 'x');
    const hourAgo = ago(3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    await utimes(fresh, now, now);
    await spool.enforceLimits({ maxBytes: 1e9, maxAgeMs: 7 * DAY, now });
    const names = await readdir(spool.dir);
    expect(names).toContain('.tmp-b.json-2-bbbb');
    expect(names).not.toContain('.tmp-a.json-1-aaaa');
  });
});
