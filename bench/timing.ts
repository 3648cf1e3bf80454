/** Timing helpers shared by the bench scripts (Node only). */

/** Median of `xs` (mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Median wall time of `f` in milliseconds over `reps` runs, after `warmup` untimed runs. */
export function timeMs(f: () => unknown, reps = 5, warmup = 1): number {
  for (let i = 0; i < warmup; i++) f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(t);
}
