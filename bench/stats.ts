/** Small timing helpers for the benchmarks: medians over many iterations after a warm-up. */

export interface Sample {
  median: number;
  p90: number;
  n: number;
}

export function summarize(timesMs: number[]): Sample {
  const s = [...timesMs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], n: s.length };
}

/** Times `fn` `iterations` times after `warmup` untimed calls. */
export async function time(fn: () => unknown, iterations: number, warmup = Math.ceil(iterations / 10)): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return summarize(times);
}

export const fmt = (s: Sample) => `median ${s.median.toFixed(3)} ms, p90 ${s.p90.toFixed(3)} ms (n=${s.n})`;

export const ratio = (a: Sample, b: Sample) => `${(a.median / b.median).toPrecision(3)}×`;
