// Stage 2 of the generation pipeline: candidate tests from the model. The first candidate is always
// the decoding's own (greedy, with the product's guards or the study's plain greedy); further ones are
// sampled with fixed seeds, so a run is reproducible. Each candidate's completion is cut to one
// complete test method (src/java/extract.ts via ./prompt.ts) or carries why it is not one.
import type { GenerateResult } from '../model/engine-api';
import type { GenerateCall, TestGenerator } from './generator';
import { completionToMethod, promptSignature } from './prompt';
import { firstStatement, type Seed } from './seed';

export interface Candidate {
  index: number; // 0 = the decoding's own (greedy) output
  result: GenerateResult;
  method?: string; // one complete method (annotations, signature, body), when the output holds one
  errors: string[]; // why `method` is missing, or warnings about it
  seeded?: boolean; // its body starts with the focal call the pipeline wrote (./seed.ts)
}

/** Sampling settings of the diverse candidates (index ≥ 1). */
export const SAMPLED_TEMPERATURE = 0.8;
export const SAMPLED_TOP_P = 0.95;

export interface CandidateRequest extends GenerateCall {
  count?: number; // default 1
  onCandidate?: (index: number, count: number) => void; // before each candidate's generation
}

/**
 * Candidate `index` (0 = the decoding's own greedy output, ≥ 1 sampled with seed = index). `focalName`:
 * the focal method's name; with the product's decoding (`focalCall`) the test may not close before
 * calling it (src/java/decoding/focal-call.ts).
 */
export async function generateCandidate(prompt: string, generator: TestGenerator, call: GenerateCall, index: number, focalName?: string): Promise<Candidate> {
  const sampled = index === 0 ? {} : { temperature: SAMPLED_TEMPERATURE, topP: SAMPLED_TOP_P, seed: index };
  const focal = call.decoding.focalCall && focalName ? { requireCall: focalName } : {};
  const result = await generator.generate(prompt, { ...call, ...sampled, ...focal });
  if (result.stopReason === 'cancelled') return { index, result, errors: ['cancelled'] };
  const m = await completionToMethod(prompt, result.text);
  return { index, result, method: m.method, errors: m.errors };
}

/**
 * A repair round's re-decode (./verify-stage.ts `Redecode`): the model continues the body after
 * `bodyPrefix` with `forbiddenNames` never written, in the call's decoding (greedy); with the
 * product's decoding the focal-call rule applies unless the prefix already calls `focalName`.
 */
export async function redecodeCandidate(prompt: string, generator: TestGenerator, call: GenerateCall, focalName: string, bodyPrefix: string, forbiddenNames: string[]): Promise<string | undefined> {
  const calledAlready = new RegExp(`\\b${focalName.replace(/\$/g, '\\$')}\\s*\\(`).test(bodyPrefix);
  const focal = call.decoding.focalCall && !calledAlready ? { requireCall: focalName } : {};
  const r = await generator.generate(prompt + bodyPrefix, { ...call, onText: undefined, temperature: undefined, topP: undefined, seed: undefined, ...focal, forbiddenNames });
  if (r.stopReason === 'cancelled') return undefined;
  return (await completionToMethod(prompt, bodyPrefix + r.text)).method;
}

/** Most tokens the model gets for one seeded statement's arguments. */
export const SEED_ARGUMENT_TOKENS = 48;

/**
 * The seeded candidate (./seed.ts): the seed's statements are written into the body, the model writing
 * each one's arguments (greedy, cut at the statement's `;`), then the model continues the body with the
 * call's own decoding. Undefined `method` (with the reason) when the model's arguments never end.
 */
export async function generateSeededCandidate(prompt: string, seed: Seed, generator: TestGenerator, call: GenerateCall, index: number): Promise<Candidate> {
  const signature = promptSignature(prompt) ?? '';
  const signatureLine = signature.split('\n').filter((l) => l.trim()).pop() ?? '';
  const indent = `${/^[ \t]*/.exec(signatureLine)?.[0] ?? ''}    `;
  let body = prompt.endsWith('\n') ? '' : '\n';
  const total: GenerateResult = { text: '', stopReason: 'balanced', promptTokens: 0, newTokens: 0, ms: 0 };
  const add = (r: GenerateResult) => {
    total.promptTokens = r.promptTokens;
    total.newTokens += r.newTokens;
    total.ms += r.ms;
    total.stopReason = r.stopReason;
  };
  for (const start of seed.statements) {
    body += indent + start;
    if (start.endsWith(';')) {
      body += '\n';
      continue;
    }
    // the arguments: the syntax guard starts at the method's brace, not inside this call, so it is off here
    // nor the symbol constraint, which follows a body from a statement's start
    const r = await generator.generate(prompt + body, { ...call, symbols: undefined, decoding: { ...call.decoding, syntaxGuard: false, maxNewTokens: SEED_ARGUMENT_TOKENS } });
    add(r);
    if (r.stopReason === 'cancelled') return { index, result: { ...total, text: body }, errors: ['cancelled'], seeded: true };
    const rest = firstStatement(r.text);
    if (rest === undefined || rest.includes('\n')) return { index, result: { ...total, text: body + r.text }, errors: [`the model's arguments for "${start.trim()}" do not end the statement`], seeded: true };
    body += rest + '\n';
  }
  if (seed.alone) {
    total.text = `${body}${indent.slice(4)}}`; // the method ends after the seed
    const m = await completionToMethod(prompt, total.text);
    return { index, result: total, method: m.method, errors: m.errors, seeded: true };
  }
  // the symbol constraint knows the seed's locals from the body already written
  const r = await generator.generate(prompt + body, call.symbols ? { ...call, symbols: { ...call.symbols, bodyBefore: body } } : call);
  add(r);
  total.text = body + r.text;
  if (r.stopReason === 'cancelled') return { index, result: total, errors: ['cancelled'], seeded: true };
  const m = await completionToMethod(prompt, total.text);
  return { index, result: total, method: m.method, errors: m.errors, seeded: true };
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
