// Stage 2 of the generation pipeline: candidate tests from the model. The first candidate is always
// the decoding's own (greedy, with the product's guards or the study's plain greedy); further ones are
// sampled with fixed seeds, so a run is reproducible. Each candidate's completion is cut to one
// complete test method (src/java/extract.ts via ./prompt.ts) or carries why it is not one.
import type { GenerateResult } from '../model/engine-api';
import type { GenerateCall, TestGenerator } from './generator';
import { completionToMethod } from './prompt';

export interface Candidate {
  index: number; // 0 = the decoding's own (greedy) output
  result: GenerateResult;
  method?: string; // one complete method (annotations, signature, body), when the output holds one
  errors: string[]; // why `method` is missing, or warnings about it
}

/** Sampling settings of the diverse candidates (index ≥ 1). */
export const SAMPLED_TEMPERATURE = 0.8;
export const SAMPLED_TOP_P = 0.95;

export interface CandidateRequest extends GenerateCall {
  count?: number; // default 1
  onCandidate?: (index: number, count: number) => void; // before each candidate's generation
}

/** Candidate `index` (0 = the decoding's own greedy output, ≥ 1 sampled with seed = index). */
export async function generateCandidate(prompt: string, generator: TestGenerator, call: GenerateCall, index: number): Promise<Candidate> {
  const sampled = index === 0 ? {} : { temperature: SAMPLED_TEMPERATURE, topP: SAMPLED_TOP_P, seed: index };
  const result = await generator.generate(prompt, { ...call, ...sampled });
  if (result.stopReason === 'cancelled') return { index, result, errors: ['cancelled'] };
  const m = await completionToMethod(prompt, result.text);
  return { index, result, method: m.method, errors: m.errors };
}

/** `count` candidates in order (stops early when cancelled). */
export async function generateCandidates(prompt: string, generator: TestGenerator, request: CandidateRequest): Promise<Candidate[]> {
  const count = Math.max(1, request.count ?? 1);
  const out: Candidate[] = [];
  for (let index = 0; index < count; index++) {
    if (request.signal?.aborted) break;
    request.onCandidate?.(index, count);
    const c = await generateCandidate(prompt, generator, request, index);
    out.push(c);
    if (c.result.stopReason === 'cancelled') break;
  }
  return out;
}
