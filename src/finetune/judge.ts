// Judging one side (the base model or an adapter) on held-out focal methods through the product's
// whole generation path: prepareTest → runPipeline with verification (candidates, repair rounds) →
// the best attempt's outcome. The generator is whatever host drives the model (the engine in process
// for the CLI, the sidecar for the editor), so both judge exactly what the user would get.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DecodingParams } from '../pipeline/decoding';
import type { TestGenerator } from '../pipeline/generator';
import { runPipeline } from '../pipeline/pipeline';
import { prepareTest } from '../pipeline/prepare';
import type { Verifier } from '../pipeline/verify-stage';
import type { MethodOutcome } from './gate';

/** A held-out focal method: where it is (0-based name line) and how to name it. */
export interface FocalTarget {
  focalPath: string; // relative to the project root
  focalLine: number;
  label: string; // Class#method(params)
}

export interface JudgeOptions {
  projectRoot: string;
  generator: TestGenerator;
  adapter: string | null; // null = the base model
  decoding: DecodingParams;
  verifier: Verifier;
  candidates: number;
  rounds: number;
  signal?: AbortSignal;
  onMethod?: (index: number, target: FocalTarget, outcome: MethodOutcome, detail: string) => void;
}

/** What identifies a focal method: its file and line (the same for a pair and for its FocalTarget). */
export const targetKey = (focalPath: string, focalLine: number): string => `${focalPath}:${focalLine}`;

/** Unique focal methods of the held-out pairs (several tests of one method count once), in a stable order. */
export function focalTargets(pairs: readonly { focal_path: string; focal_line: number; focal_class: string; focal_method: string }[]): FocalTarget[] {
  const seen = new Map<string, FocalTarget>();
  for (const p of pairs) {
    const key = targetKey(p.focal_path, p.focal_line);
    if (!seen.has(key)) seen.set(key, { focalPath: p.focal_path, focalLine: p.focal_line, label: `${p.focal_class}#${p.focal_method}` });
  }
  return [...seen.values()].sort((a, b) => a.label.localeCompare(b.label) || a.focalPath.localeCompare(b.focalPath) || a.focalLine - b.focalLine);
}

const NONE: MethodOutcome = { compiles: false, passes: false, passesCallingFocal: false, focalLineCoverage: 0 };

/** Each target's outcome, in order; a method the pipeline cannot prepare counts as no test (and says why). */
export async function judgeSide(targets: readonly FocalTarget[], o: JudgeOptions): Promise<MethodOutcome[]> {
  const read = (f: string): string | undefined => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const out: MethodOutcome[] = [];
  for (const [i, t] of targets.entries()) {
    if (o.signal?.aborted) throw new Error('cancelled');
    const focalPath = path.join(o.projectRoot, t.focalPath);
    const text = read(focalPath);
    const prep = text === undefined ? undefined : await prepareTest({ focalPath, focalText: text, selector: { line: t.focalLine }, projectRoot: o.projectRoot, readFile: read });
    if (!prep?.value) {
      out.push(NONE);
      o.onMethod?.(i, t, NONE, `not prepared: ${prep?.errors.join('; ') ?? `cannot read ${focalPath}`}`);
      continue;
    }
    const run = await runPipeline({
      prepared: prep.value,
      generator: o.generator,
      decoding: o.decoding,
      adapter: o.adapter,
      candidates: o.candidates,
      verify: { verifier: o.verifier, rounds: o.rounds },
      place: false,
      signal: o.signal,
    });
    if (run.cancelled) throw new Error('cancelled');
    const b = run.best;
    const passes = b?.status === 'passes';
    const outcome: MethodOutcome = {
      compiles: !!b && b.status !== 'does-not-compile' && b.status !== 'rejected',
      passes,
      passesCallingFocal: passes && b.callsFocal,
      focalLineCoverage: passes && b.focalLines.total ? b.focalLines.covered / b.focalLines.total : 0,
      ...(b ? { candidate: b.candidate, status: b.status, test: b.test } : {}),
      ...(b?.message && b.status !== 'passes' ? { message: b.message.split('\n')[0].slice(0, 300) } : {}),
      ...(!b && run.errors.length ? { message: run.errors.join('; ').slice(0, 300) } : {}), // e.g. no candidate parsed as one test method
    };
    out.push(outcome);
    o.onMethod?.(i, t, outcome, b ? `${b.status}${b.callsFocal ? ' (calls focal)' : ''} ${b.focalLines.covered}/${b.focalLines.total} lines` : run.errors.join('; ') || 'no test');
  }
  return out;
}
