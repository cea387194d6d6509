// Coverage of the focal CLASS (and its nested classes) for evaluation's instruction and branch
// columns: the sum of the per-method counters that verification's JaCoCo helper prints
// (src/verify/method-coverage.ts) — JaCoCo's class counters are the sums of its methods' — so one
// Java helper serves both.
import type { Toolchain } from '../../verify/toolchain';
import { methodCounters, prepareMethodCoverage } from '../../verify/method-coverage';

export interface Counter {
  covered: number;
  missed: number;
}

export interface Coverage {
  instructions: Counter;
  branches: Counter;
}

export function ratio(c: Counter): number | undefined {
  const t = c.covered + c.missed;
  return t === 0 ? undefined : c.covered / t;
}

/** Compiles the helper under `cacheDir` once; returns its class directory or an error. */
export function prepareCoverageHelper(tc: Toolchain, cacheDir: string): Promise<{ dir?: string; error?: string }> {
  return prepareMethodCoverage(tc, cacheDir);
}

/** Instruction and branch counters of `classPath` (e.g. com/example/Calc) and its nested classes under `classesDir`. */
export async function measureCoverage(tc: Toolchain, helperDir: string, classesDir: string, classPath: string, execFiles: string[]): Promise<Coverage | { error: string }> {
  const methods = await methodCounters(tc, helperDir, classesDir, classPath, execFiles);
  if ('error' in methods) return methods;
  const sum: Coverage = { instructions: { covered: 0, missed: 0 }, branches: { covered: 0, missed: 0 } };
  for (const m of methods) {
    sum.instructions.covered += m.instructions[0];
    sum.instructions.missed += m.instructions[1];
    sum.branches.covered += m.branches[0];
    sum.branches.missed += m.branches[1];
  }
  return sum;
}
