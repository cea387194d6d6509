// The fine-tuning quality gate: base model vs adapter on the same held-out focal methods, judged by
// running the generated tests (src/pipeline with verification). Execution, not text similarity, decides:
// an empty body that passes says nothing about the user's code, so the measure is the share of focal
// methods that got a passing test that executes the focal method (`passesCallingFocal`). The two sides
// are paired (the same methods), so the interval on the difference is a paired percentile bootstrap over
// focal methods, seeded so the same outcomes always print the same interval.
import { rng } from '../util/rng';

/** One focal method's outcome on one side (the pipeline's best attempt). */
export interface MethodOutcome {
  compiles: boolean;
  passes: boolean;
  passesCallingFocal: boolean;
  focalLineCoverage: number; // 0–1; 0 unless the test passes
  /** Which candidate gave the best attempt (0 = the model's greedy test; then seeded, then sampled): where a pass came from. */
  candidate?: number;
  /** The best attempt's verdict and, when it did not pass, why (first line of the compiler or test message). */
  status?: string;
  message?: string;
  /** The best attempt's test method as verified: what the user would have been given. */
  test?: string;
}

export interface SideScores {
  n: number; // focal methods judged
  compiles: number; // shares, 0–1
  passes: number;
  passesCallingFocal: number;
  focalLineCoverage: number; // mean over the n methods
}

export interface Interval {
  low: number;
  high: number;
  level: number; // 0.95
  method: 'paired bootstrap';
  resamples: number;
}

export interface GateVerdict {
  base: SideScores;
  adapter: SideScores;
  /** adapter − base on passesCallingFocal (points as a share, −1…1). */
  difference: number;
  interval: Interval;
  /** The adapter is better by passesCallingFocal (a tie is not better). */
  better: boolean;
  /** The interval lies wholly above 0: better beyond what chance among these methods explains. */
  confident: boolean;
}

export function scoreSide(outcomes: readonly MethodOutcome[]): SideScores {
  const n = outcomes.length;
  const share = (f: (o: MethodOutcome) => boolean): number => (n ? outcomes.filter(f).length / n : 0);
  return {
    n,
    compiles: share((o) => o.compiles),
    passes: share((o) => o.passes),
    passesCallingFocal: share((o) => o.passesCallingFocal),
    focalLineCoverage: n ? outcomes.reduce((s, o) => s + o.focalLineCoverage, 0) / n : 0,
  };
}

/**
 * 95% (by default) percentile bootstrap interval of mean(adapter − base) over paired 0/1 outcomes.
 * With no methods the interval is [0, 0].
 */
export function pairedBootstrap(base: readonly boolean[], adapter: readonly boolean[], opts: { resamples?: number; level?: number; seed?: number } = {}): Interval {
  if (base.length !== adapter.length) throw new Error(`paired outcomes differ in length: ${base.length} base, ${adapter.length} adapter`);
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const n = base.length;
  if (n === 0) return { low: 0, high: 0, level, method: 'paired bootstrap', resamples };
  const d = base.map((b, i) => Number(adapter[i]) - Number(b));
  const rand = rng(opts.seed ?? 20);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(rand() * n)];
    means[r] = s / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return { low: at(tail), high: at(1 - tail), level, method: 'paired bootstrap', resamples };
}

/** The gate's verdict over the same focal methods, in the same order, on both sides. */
export function judgeSides(base: readonly MethodOutcome[], adapter: readonly MethodOutcome[]): GateVerdict {
  const b = scoreSide(base);
  const a = scoreSide(adapter);
  const interval = pairedBootstrap(
    base.map((o) => o.passesCallingFocal),
    adapter.map((o) => o.passesCallingFocal),
  );
  const difference = a.passesCallingFocal - b.passesCallingFocal;
  return { base: b, adapter: a, difference, interval, better: a.n > 0 && difference > 0, confident: a.n > 0 && interval.low > 0 };
}
