// The generation pipeline, the one path from a prepared focal method to an inserted test, used alike by
// the extension, `testtune generate`/`demo` and evaluation:
//
//   prepare (./prepare.ts) → generate candidates (./candidates.ts) → verify + repair (./verify-stage.ts,
//   when the host gives a verifier) → choose → place (./place.ts)
//
// Candidates come one at a time, greedy first: without verification the first complete method is
// chosen; with it, each candidate is verified and repaired, the search stops at the first one that
// passes and executes the focal method, and the best attempt is chosen (verify-stage.ts `betterAttempt`).
// A test that does not pass is not placed unless the caller asks for it (then it carries a comment that
// says why it fails). Each stage reports itself through `onStage`. Nothing here touches the workspace:
// placement returns one text edit, which the host applies.
import { generateCandidate, generateSeededCandidate, redecodeCandidate, type Candidate } from './candidates';
import type { DecodingParams } from './decoding';
import type { TestGenerator } from './generator';
import { placeMethod, type Placed } from './place';
import type { PreparedTest } from './prepare';
import { attemptRank, betterAttempt, markFailing, verifyAndRepair, type Attempt, type Verifier } from './verify-stage';

export type Stage =
  | { stage: 'generating'; candidate: number; of: number }
  | { stage: 'verifying'; candidate: number; of: number; round: number }
  | { stage: 'placing' };

export interface VerifyRequest {
  verifier: Verifier;
  rounds: number; // repair rounds per candidate (0 = verify only)
  /** Place the best test even when it does not pass (marked as failing with the reason). */
  insertFailing?: boolean;
  /** Repair rounds may re-decode a statement javac rejects with the missing name forbidden (default true). */
  redecode?: boolean;
}

export interface PipelineRequest {
  prepared: PreparedTest;
  generator: TestGenerator;
  decoding: DecodingParams;
  adapter?: string | null; // undefined = the host's current selection, null = the base model
  candidates?: number; // most candidates to generate (default 1: the greedy output alone)
  verify?: VerifyRequest; // absent: not verified (untrusted workspace, verification off)
  /** Compute the edit of the test file (default true); false = stop after choosing (e.g. `generate` without --write). */
  place?: boolean;
  /** The test file's current text (an unsaved buffer, or disk). */
  readTestFile?: (filePath: string) => string | undefined;
  signal?: AbortSignal;
  onStage?: (stage: Stage) => void;
  onText?: (delta: string) => void;
}

export interface PipelineResult {
  candidates: Candidate[];
  chosen?: Candidate; // the candidate whose method (or its repair) is placed
  /** The chosen test method's text (repaired when verification repaired it). */
  test?: string;
  attempts: Attempt[]; // every verification attempt, in order (empty when not verified)
  best?: Attempt; // the chosen attempt when verified
  placed?: Placed;
  cancelled: boolean;
  errors: string[]; // why nothing was chosen or placed
  warnings: string[];
}

/** The test class's qualified name, as the symbol scope names it. */
function qualifiedTestClass(prepared: PreparedTest): string {
  const { packageName, testClassName } = prepared.location;
  return packageName ? `${packageName}.${testClassName}` : testClassName;
}

/** The first candidate holding one complete method (candidates come greedy first). */
export function chooseCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((c) => c.method !== undefined);
}

export async function runPipeline(request: PipelineRequest): Promise<PipelineResult> {
  const { prepared } = request;
  const count = Math.max(1, request.candidates ?? 1);
  // the symbol constraint reads the prepared test's scope (sent only when decoding.symbolConstraint is on)
  const call = { decoding: request.decoding, adapter: request.adapter, signal: request.signal, onText: request.onText, ...(prepared.symbols ? { symbols: { scope: prepared.symbols, testClass: qualifiedTestClass(prepared) } } : {}) };
  const current = prepared.location.exists ? (request.readTestFile?.(prepared.location.testFile) ?? prepared.testText) : undefined;
  const candidates: Candidate[] = [];
  const attempts: Attempt[] = [];
  let best: Attempt | undefined;
  const result = (extra: Partial<PipelineResult>): PipelineResult => ({ candidates, attempts, cancelled: false, errors: [], warnings: [], ...extra });

  // with verification, the candidates after the greedy one are the seeded ones (their bodies start with
  // the focal call: typed arguments, then the model's), then sampled ones
  const seeds = request.verify ? prepared.seeds : [];
  for (let index = 0; index < count; index++) {
    if (request.signal?.aborted) break;
    request.onStage?.({ stage: 'generating', candidate: index + 1, of: count });
    const seed = index >= 1 ? seeds[index - 1] : undefined;
    const c = seed
      ? await generateSeededCandidate(prepared.prompt, seed, request.generator, call, index)
      : // the focal-call rule only where verification follows: it rejects a test that never calls the focal
        // method anyway, while unverified the first complete method is inserted, and a body forced on past
        // the model's own close may not parse (a test that compiles beats an error there)
        await generateCandidate(prepared.prompt, request.generator, call, index > seeds.length ? index - seeds.length : index, request.verify ? prepared.method.name : undefined);
    c.index = index;
    candidates.push(c);
    if (c.result.stopReason === 'cancelled') break;
    if (!c.method) continue;
    if (!request.verify) break; // unverified: the first complete method is the choice
    const tried = await verifyAndRepair(prepared, { index, method: c.method }, request.verify.verifier, {
      rounds: request.verify.rounds,
      currentTestText: current,
      signal: request.signal,
      onRound: (round) => request.onStage?.({ stage: 'verifying', candidate: index + 1, of: count, round }),
      redecode: request.verify.redecode === false ? undefined : (bodyPrefix, forbiddenNames) => redecodeCandidate(prepared.prompt, request.generator, call, prepared.method.name, bodyPrefix, forbiddenNames),
    });
    attempts.push(...tried);
    for (const a of tried) if (betterAttempt(a, best)) best = a;
    if (best && attemptRank(best) === 3) break; // passes and executes the focal method: good enough
  }
  if (request.signal?.aborted || candidates.some((c) => c.result.stopReason === 'cancelled')) return result({ cancelled: true, errors: ['cancelled'] });

  const chosen = request.verify && best ? candidates[best.candidate] : chooseCandidate(candidates);
  if (!chosen?.method) {
    const why = [...new Set(candidates.flatMap((c) => c.errors))];
    return result({ errors: [`the model's output is not a usable test method (${why.join('; ') || 'no output'})`] });
  }
  const warnings = [...chosen.errors];
  let test = best?.test ?? chosen.method;
  if (request.verify && best?.status !== 'passes') {
    const reason = best ? (best.status === 'rejected' ? best.message ?? 'rejected' : `${best.status}${best.message ? `: ${best.message}` : ''}`) : 'not verified';
    if (!request.verify.insertFailing) return result({ best, errors: [`no candidate passes (best: ${reason})`], warnings });
    test = markFailing(test, reason);
  }
  if (request.place === false) return result({ chosen, best, test, warnings });
  request.onStage?.({ stage: 'placing' });
  const placed = await placeMethod(prepared, test, current);
  return result({ chosen, best, test, placed: placed.value, errors: placed.errors, warnings: [...warnings, ...placed.warnings] });
}
