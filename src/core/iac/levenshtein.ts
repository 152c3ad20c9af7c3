/** Edit distance (insert, delete, substitute) between two short strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Default typo distance: a third of the word's length, at least 1 and at most 3 edits. */
export function typoLimit(word: string): number {
  return Math.min(3, Math.max(1, Math.floor(word.length / 3)));
}

/**
 * The candidate closest to `word` when it is plausibly a typo of it: at most `maxEdits(word)` edits away
 * (by default a third of the word's length, minimum 1, maximum 3), or differing only in case. Undefined
 * when nothing is close or `word` is itself a candidate. The one edit-distance helper of the codebase.
 */
export function closest(word: string, candidates: Iterable<string>, maxEdits: (word: string) => number = typoLimit): string | undefined {
  const limit = maxEdits(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) return undefined;
    const d = c.toLowerCase() === word.toLowerCase() ? 0.5 : levenshtein(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
