// The decoding loop over a KV-cache runner: greedy (the study's decoding) or temperature/top-p
// sampling with a seed, shaped by the generation's logits processors and stopping criteria
// (decoding/processor.ts; which ones is decided outside src/model by a DecodingFactory). Per step:
// processors rewrite the logits (a penalty), one may offer a token to take instead of the ordinary
// choice (a wrap-up), and a candidate some processor refuses is replaced by the model's next best, up
// to the largest retry budget any processor asks for; when every try is refused, the model's own
// choice is produced if any processor asks for that, else the last candidate tried. Stopping criteria
// see the decoded text and may end generation inside a piece of it; EOS, max tokens and a full context
// always stop. Checks the abort signal after every step and yields to the event loop at least every
// YIELD_MS (not every step: a setImmediate per step was a measurable part of the per-step overhead), so
// an abort raised from the loop (SIGINT, a postMessage) lands within ~YIELD_MS, and one raised
// synchronously (onText, the sidecar's shared-memory slot) within one step.
import type { StopReason } from './engine-api';
import type { LogitsProcessor, StoppingCriterion } from './decoding/processor';
import { rng } from './init';

export interface Stepper {
  step(ids: number[]): Promise<Float32Array>; // logits of the last position
  readonly room: number; // positions left
  reset(): void;
}

export interface TextStream {
  push(ids: number | readonly number[]): string;
  flush(): string;
}

export interface DecodeOptions {
  maxNewTokens: number;
  eosId?: number;
  /** Ids ≥ this are never produced (a model vocab padded beyond the tokenizer's). */
  vocabLimit?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Applied in order each step (none: plain greedy or sampling). */
  processors?: readonly LogitsProcessor[];
  /** The first that stops ends generation, with its reason. */
  stoppingCriteria?: readonly StoppingCriterion[];
  signal?: AbortSignal;
  onText?: (delta: string) => void;
}

export interface DecodeResult {
  ids: number[];
  text: string;
  stopReason: StopReason;
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  let bv = -Infinity;
  for (let i = 0; i < logits.length; i++)
    if (logits[i] > bv) {
      bv = logits[i];
      best = i;
    }
  return best;
}

/** Samples from softmax(logits / temperature) restricted to the top-p nucleus. */
export function sample(logits: Float32Array, temperature: number, topP: number, rand: () => number): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const probs = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += probs[i] = Math.exp((logits[i] - max) / temperature);
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  let kept = 0;
  let cut = order.length;
  for (let j = 0; j < order.length; j++) {
    kept += probs[order[j]] / sum;
    if (kept >= topP) {
      cut = j + 1;
      break;
    }
  }
  let mass = 0;
  for (let j = 0; j < cut; j++) mass += probs[order[j]];
  let u = rand() * mass;
  for (let j = 0; j < cut; j++) {
    u -= probs[order[j]];
    if (u <= 0) return order[j];
  }
  return order[cut - 1];
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Longest stretch of decode steps without a turn of the event loop. */
export const YIELD_MS = 8;

export async function decode(runner: Stepper, promptIds: number[], stream: TextStream, opts: DecodeOptions): Promise<DecodeResult> {
  runner.reset();
  const greedy = !opts.temperature || opts.temperature <= 0;
  const rand = rng(opts.seed ?? 0);
  const choose = (l: Float32Array): number => (greedy ? argmax(l) : sample(l, opts.temperature!, opts.topP ?? 1, rand));
  const processors = opts.processors ?? [];
  const transformers = processors.filter((p) => p.transform);
  const preferrers = processors.filter((p) => p.prefer);
  const refusers = processors.filter((p) => p.accepts);
  const observers = processors.filter((p) => p.observe);
  const criteria = opts.stoppingCriteria ?? [];
  const maxTries = Math.max(0, ...refusers.map((p) => p.retry?.maxTries ?? 1));
  const keepModelChoice = refusers.some((p) => p.retry?.exhausted === 'model-choice');
  const ids: number[] = [];
  const acceptable = (id: number): boolean => refusers.every((p) => p.accepts!(id, ids));
  let text = '';
  let stoppedBy: StopReason | undefined;
  /** Appends decoded text, cut where a stopping criterion ends generation; true when one did. */
  const emit = (delta: string): boolean => {
    if (!delta) return false;
    let d = delta;
    for (const c of criteria) {
      const keep = c.onText(d);
      if (keep !== undefined) {
        d = d.slice(0, keep);
        stoppedBy ??= c.reason;
        break;
      }
    }
    text += d;
    if (d) opts.onText?.(d);
    return stoppedBy !== undefined;
  };
  if (opts.signal?.aborted) return { ids, text, stopReason: 'cancelled' };
  if (opts.maxNewTokens <= 0) return { ids, text, stopReason: 'max_tokens' };
  let logits = await runner.step(promptIds);
  let lastYield = -Infinity; // yield after the prefill
  for (;;) {
    if (opts.vocabLimit !== undefined && opts.vocabLimit < logits.length) logits = logits.subarray(0, opts.vocabLimit);
    let owned = false; // logits is a copy this loop may write to (the runner's buffer stays untouched)
    for (const p of transformers) {
      const next = p.transform!(logits, ids);
      if (next !== logits) owned = true;
      logits = next;
    }
    const left = Math.min(opts.maxNewTokens - ids.length, runner.room + 1);
    let id: number | undefined;
    for (const p of preferrers) if ((id = p.prefer!(logits, ids, left, acceptable)) !== undefined) break;
    id ??= choose(logits);
    if (refusers.length && !acceptable(id)) {
      if (!owned) logits = logits.slice();
      const first = id;
      let tries = 0;
      for (; tries < maxTries && !acceptable(id); tries++) {
        logits[id] = -Infinity;
        id = choose(logits);
      }
      if (tries === maxTries && !acceptable(id) && keepModelChoice) id = first; // nothing acceptable nearby: the model's own choice
    }
    if (id === opts.eosId) {
      emit(stream.flush());
      return { ids, text, stopReason: 'eos' };
    }
    ids.push(id);
    for (const p of observers) p.observe!(id);
    if (emit(stream.push(id))) return { ids, text, stopReason: stoppedBy! };
    if (ids.length >= opts.maxNewTokens) {
      emit(stream.flush());
      return { ids, text, stopReason: 'max_tokens' };
    }
    if (runner.room < 1) {
      emit(stream.flush());
      return { ids, text, stopReason: 'context_full' };
    }
    if (performance.now() - lastYield >= YIELD_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
    if (opts.signal?.aborted) return { ids, text, stopReason: 'cancelled' };
    logits = await runner.step([id]);
  }
}
