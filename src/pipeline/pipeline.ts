// The generation pipeline, the one path from a prepared focal method to an inserted test, used alike by
// the extension, `testtune generate`/`demo` and evaluation:
//
//   prepare (./prepare.ts) → generate candidates (./candidates.ts) → choose → place (./place.ts)
//
// Each stage is plain TypeScript and reports itself through `onStage`, so the editor can show progress
// and the CLI can log it. Nothing here touches the workspace: placement returns one text edit, which
// the host applies (a WorkspaceEdit in the editor, a file write in the CLI).
import type { Candidate } from './candidates';
import { generateCandidates } from './candidates';
import type { DecodingParams } from './decoding';
import type { TestGenerator } from './generator';
import { placeMethod, type Placed } from './place';
import type { PreparedTest } from './prepare';

export type Stage = { stage: 'generating'; candidate: number; of: number } | { stage: 'placing' };

export interface PipelineRequest {
  prepared: PreparedTest;
  generator: TestGenerator;
  decoding: DecodingParams;
  adapter?: string | null; // undefined = the host's current selection, null = the base model
  candidates?: number; // default 1: the greedy output alone
  /** Compute the edit of the test file (default true); false = stop after choosing (e.g. `generate` without --write). */
  place?: boolean;
  /** The test file's current text (an unsaved buffer, or disk); called only when placing. */
  readTestFile?: (filePath: string) => string | undefined;
  signal?: AbortSignal;
  onStage?: (stage: Stage) => void;
  onText?: (delta: string) => void;
}

export interface PipelineResult {
  candidates: Candidate[];
  chosen?: Candidate; // the candidate whose method is placed
  placed?: Placed;
  cancelled: boolean;
  errors: string[]; // why nothing was chosen or placed
  warnings: string[];
}

/** The first candidate holding one complete method (candidates come greedy first). */
export function chooseCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((c) => c.method !== undefined);
}

export async function runPipeline(request: PipelineRequest): Promise<PipelineResult> {
  const { prepared } = request;
  const candidates = await generateCandidates(prepared.prompt, request.generator, {
    decoding: request.decoding,
    adapter: request.adapter,
    signal: request.signal,
    onText: request.onText,
    count: request.candidates,
    onCandidate: (index, count) => request.onStage?.({ stage: 'generating', candidate: index + 1, of: count }),
  });
  const cancelled = request.signal?.aborted === true || candidates.some((c) => c.result.stopReason === 'cancelled');
  if (cancelled) return { candidates, cancelled, errors: ['cancelled'], warnings: [] };
  const chosen = chooseCandidate(candidates);
  if (!chosen?.method) {
    const why = [...new Set(candidates.flatMap((c) => c.errors))];
    return { candidates, cancelled, errors: [`the model's output is not a usable test method (${why.join('; ') || 'no output'})`], warnings: [] };
  }
  const warnings = [...chosen.errors];
  if (request.place === false) return { candidates, chosen, cancelled, errors: [], warnings };
  request.onStage?.({ stage: 'placing' });
  const current = prepared.location.exists ? (request.readTestFile?.(prepared.location.testFile) ?? prepared.testText) : undefined;
  const placed = await placeMethod(prepared, chosen.method, current);
  return { candidates, chosen, placed: placed.value, cancelled, errors: placed.errors, warnings: [...warnings, ...placed.warnings] };
}
