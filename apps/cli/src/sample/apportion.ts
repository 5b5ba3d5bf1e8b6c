/** Splits `total` into integers proportional to `shares` (which sum to 1), summing exactly to `total`. */
export function largestRemainder(shares: number[], total: number): number[] {
  const exact = shares.map((s) => s * total);
  const result = exact.map(Math.floor);
  let left = total - result.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ r: x - Math.floor(x), i })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    result[i] += 1;
    left -= 1;
  }
  return result;
}

/** `items` cut into `parts` consecutive runs whose weights are as even as the order allows (each non-empty). */
export function splitEvenly<T>(items: readonly T[], parts: number, weight: (item: T) => number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  const runs: T[][] = [];
  let run: T[] = [];
  let seen = 0;
  items.forEach((item, i) => {
    run.push(item);
    seen += weight(item);
    const left = items.length - i - 1;
    const runsLeft = count - runs.length - 1;
    const target = (total * (runs.length + 1)) / count;
    if (runsLeft > 0 && (seen >= target || left === runsLeft)) {
      runs.push(run);
      run = [];
    }
  });
  runs.push(run);
  return runs;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
