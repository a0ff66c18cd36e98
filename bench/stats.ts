/**
 * Timing helpers for the benchmarks. Every ratio is measured with A and B alternating every
 * iteration in one run (`compare`), so a noisy, shared machine slows both sides alike; the figure
 * reported is the median of per-round ratios with their spread (min–max over rounds).
 */

export interface Sample {
  median: number;
  p90: number;
  n: number;
}

export function summarize(timesMs: number[]): Sample {
  const s = [...timesMs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], n: s.length };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Times `fn` `iterations` times after `warmup` untimed calls (for single figures, not ratios). */
export async function time(fn: () => unknown, iterations: number, warmup = Math.ceil(iterations / 10)): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    await fn();
    times.push(now() - t0);
  }
  return summarize(times);
}

export interface Comparison {
  a: Sample;
  b: Sample;
  /** Median over rounds of (median A / median B) in that round. */
  ratio: number;
  /** Smallest and largest per-round ratio. */
  spread: [number, number];
  rounds: number;
}

/**
 * Runs A and B alternately (A, B, A, B, … — the order flips every other iteration so neither
 * always runs second) `iterations` times per round, over `rounds` rounds, after `warmup` untimed
 * pairs. Returns both samples and the ratio A / B.
 */
export async function compare(
  a: () => unknown,
  b: () => unknown,
  opts: { iterations: number; rounds?: number; warmup?: number },
): Promise<Comparison> {
  const rounds = opts.rounds ?? 5;
  const warmup = opts.warmup ?? Math.ceil(opts.iterations / 10);
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const allA: number[] = [];
  const allB: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < opts.iterations; i++) {
      const first = i % 2 === 0 ? a : b;
      const second = first === a ? b : a;
      const t0 = now();
      await first();
      const t1 = now();
      await second();
      const t2 = now();
      (first === a ? ta : tb).push(t1 - t0);
      (first === a ? tb : ta).push(t2 - t1);
    }
    ratios.push(summarize(ta).median / summarize(tb).median);
    allA.push(...ta);
    allB.push(...tb);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  return { a: summarize(allA), b: summarize(allB), ratio: sorted[Math.floor(sorted.length / 2)], spread: [sorted[0], sorted[sorted.length - 1]], rounds };
}

export const fmt = (s: Sample) => `median ${s.median.toFixed(3)} ms, p90 ${s.p90.toFixed(3)} ms (n=${s.n})`;

export const ratio = (a: Sample, b: Sample) => `${(a.median / b.median).toPrecision(3)}×`;

/** "1.18× (1.10–1.25 over 5 rounds)". */
export const fmtRatio = (c: Comparison) =>
  `${c.ratio.toPrecision(3)}× (${c.spread[0].toPrecision(3)}–${c.spread[1].toPrecision(3)} over ${c.rounds} rounds)`;

/** A goal line: figure beside its target, with a verdict a reader can scan. */
export const goal = (what: string, figure: string, target: string, met: boolean) =>
  `${met ? 'MET ' : 'MISS'} ${what}: ${figure} (target ${target})`;
