// "unknown key 'databse' (did you mean 'database'?)": the closest known word, if it is close enough.

/** Optimal string alignment distance: Levenshtein plus adjacent swaps, the commonest typo. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known word nearest to `word`, or null when none is plausibly what was meant. */
function closestWord(word: string, known: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    // People write "poolSize" or "pool-size" for pool_size: compare with separators removed too.
    const distance = Math.min(editDistance(lower, candidate), editDistance(lower.replace(/[-_]/g, ''), candidate.replace(/_/g, '')));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return best !== null && bestDistance <= allowed ? best : null;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closestWord(key, known);
  return guess ? `unknown key '${key}' (did you mean '${guess}'?)` : `unknown key '${key}' (known keys: ${known.join(', ')})`;
}
