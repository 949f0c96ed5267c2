// Sizes as people write them: "1MiB", "512KiB", "10MB", "1.5GiB", or a bare number of bytes.
// Decimal units (kB, MB, GB) are powers of 1000 and binary ones (KiB, MiB, GiB) powers of 1024,
// so "10MB" means what a disk vendor and `df -H` mean, and "10MiB" what `ls -lh` means.

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses a size in bytes; null when the text is not one. */
export function parseSize(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : null;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  const size = unit === '' ? 1 : UNIT_BYTES[unit];
  return size === undefined ? null : Math.round(Number(match[1]) * size);
}
