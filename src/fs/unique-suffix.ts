// Suffixes that keep temporary and spool file names apart between processes and within one. Not a
// secret and not security-relevant (files are opened with O_EXCL anyway), so Math.random serves:
// node:crypto costs ~10 ms to load, and `collect` runs every minute on every server.

let counter = 0;

export function uniqueSuffix(): string {
  counter = (counter + 1) % 0x10000;
  const random = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  return `${process.pid.toString(16)}${counter.toString(16).padStart(4, '0')}${random}`;
}
