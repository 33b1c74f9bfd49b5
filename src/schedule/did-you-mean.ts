// "did you mean" suggestions for misspelt keys and values, by edit distance.

/** Edit distance (Levenshtein, with a swap of two neighbours counted as one), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** The closest candidate within a distance that still looks like a typo, or undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // A prefix ("saturday" for "sat") is a likely intent too.
    // (Scored 1.5: a true one-letter slip, "cumartsi" for "cumartesi", beats the prefix "cuma".)
    const d = Math.min(editDistance(word, c), word.toLowerCase().startsWith(c.toLowerCase()) && c.length >= 3 ? 1.5 : Infinity);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = word.length <= 3 ? 1 : word.length <= 7 ? 2 : 3;
  return bestD <= limit ? best : undefined;
}
