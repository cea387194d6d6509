// The decoding loop over a KV-cache runner: greedy (the study's decoding) or temperature/top-p
// sampling with a seed. Checks the abort signal after every step and yields to the event loop at
// least every YIELD_MS (not every step: a setImmediate per step was a measurable part of the per-step
// overhead), so an abort raised from the loop (SIGINT, a postMessage) lands within ~YIELD_MS, and one
// raised synchronously (onText, the sidecar's shared-memory slot) within one step. Stops when the test method's braces balance (the
// prompt ends after the method's `{`: initial depth 1), at EOS, at max tokens or when the context is full.
import { BraceCounter } from '../java/braces';
import { BracketGuard, CLOSING_TEXT } from '../java/bracket-guard';
import type { StopReason } from './engine-api';
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
  stopWhenBalanced?: boolean;
  /**
   * CTRL-style penalty (Keskar et al., 2019) on tokens this decode has already produced (not the
   * prompt's: a test must be free to reuse the focal method's names): a positive logit is divided by
   * it, a negative one multiplied. 1 or undefined = off (the study's plain greedy decoding).
   */
  repetitionPenalty?: number;
  /**
   * Loop guard: never produce a token that would make the generated ids end with this many back-to-back
   * copies of one unit of 1..LOOP_MAX_PERIOD tokens (`expected, expected, expected`, the same statement three
   * times); the next-best token is taken instead (at most LOOP_MAX_TRIES times per step). Unlike the
   * repetition penalty it changes nothing until a loop forms, so outputs without one equal plain greedy.
   * 0, 1 or undefined = off.
   */
  loopGuard?: number;
  /**
   * Syntax guard: never produce a token that breaks the body's brackets and statements (java/bracket-guard.ts:
   * a closer that does not match, `;` inside parentheses, a line break in a string, runaway nesting, …) or
   * EOS while the method is open; the next-best token is taken instead (at most SYNTAX_MAX_TRIES per step).
   * Once the tokens left are ≤ what is open + WRAP_UP_SLACK, the best closing token the guards accept is
   * produced (the ordinary choice when none fits), so the method ends with its `}`. Needs `tokenText`.
   * Outputs that never break the rules and end before that zone equal plain greedy. false or undefined = off.
   */
  syntaxGuard?: boolean;
  /** A token's text for the syntax guard (bytes ≥ 0x80 may stand for any non-ASCII character). */
  tokenText?: (id: number) => string;
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

/** Applies the repetition penalty in place to the logits of every distinct id in `seen`. */
export function penalizeRepeats(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  for (const id of seen) {
    if (id < 0 || id >= logits.length) continue;
    const v = logits[id];
    logits[id] = v > 0 ? v / penalty : v * penalty;
  }
}

/** Candidates tried per step when the syntax guard is on (with or without the loop guard). */
export const SYNTAX_MAX_TRIES = 32;
/** With the syntax guard, the decoder keeps to closing tokens once the tokens left are ≤ what is open + this. */
export const WRAP_UP_SLACK = 4;

/** closerIds per tokenText function: the engine passes the same one to every decode, so the vocabulary is scanned once. */
const closerCache = new WeakMap<(id: number) => string, { vocab: number; ids: number[] }>();

/** Ids whose text could close something (only whitespace, `)`, `]`, `}`, `;` and quotes, at least one not blank). */
export function closerIds(vocab: number, tokenText: (id: number) => string): number[] {
  const out: number[] = [];
  for (let id = 0; id < vocab; id++) if (CLOSING_TEXT.test(tokenText(id))) out.push(id);
  return out;
}

/** Longest repeating unit, in tokens, the loop guard looks for (a statement of a few identifiers). */
export const LOOP_MAX_PERIOD = 48;
/** Candidates the loop guard tries per step before it lets the loop token through. */
export const LOOP_MAX_TRIES = 8;

/**
 * True when `ids` followed by `next` ends with `copies` back-to-back copies of one unit of 1..maxPeriod
 * tokens (the last copies × period tokens are periodic with that period).
 */
export function completesLoop(ids: readonly number[], next: number, copies: number, maxPeriod = LOOP_MAX_PERIOD): boolean {
  const n = ids.length + 1;
  const at = (i: number) => (i === ids.length ? next : ids[i]);
  for (let p = 1; p <= maxPeriod && p * copies <= n; p++) {
    if (ids[n - 1 - p] !== next) continue; // cheap reject: the unit would not repeat at its last token
    let periodic = true;
    for (let j = 1; j < (copies - 1) * p; j++)
      if (at(n - 1 - j) !== at(n - 1 - j - p)) {
        periodic = false;
        break;
      }
    if (periodic) return true;
  }
  return false;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Longest stretch of decode steps without a turn of the event loop. */
export const YIELD_MS = 8;

export async function decode(runner: Stepper, promptIds: number[], stream: TextStream, opts: DecodeOptions): Promise<DecodeResult> {
  runner.reset();
  const greedy = !opts.temperature || opts.temperature <= 0;
  const rand = rng(opts.seed ?? 0);
  const braces = opts.stopWhenBalanced === false ? undefined : new BraceCounter(1);
  const ids: number[] = [];
  const penalty = opts.repetitionPenalty !== undefined && opts.repetitionPenalty !== 1 ? opts.repetitionPenalty : undefined;
  const seen = new Set<number>();
  const guard = opts.loopGuard && opts.loopGuard >= 2 ? Math.floor(opts.loopGuard) : 0; // 0 and 1 = off
  const tokenText = opts.tokenText;
  const syntax = opts.syntaxGuard && tokenText ? new BracketGuard(1) : undefined;
  const refused = (id: number): boolean =>
    (guard > 0 && completesLoop(ids, id, guard)) || (syntax !== undefined && (id === opts.eosId ? syntax.open !== '' : !syntax.accepts(tokenText!(id))));
  const maxTries = syntax ? SYNTAX_MAX_TRIES : LOOP_MAX_TRIES;
  let closers: number[] | undefined; // found on the first wrap-up step (cached per tokenText)
  /** The best closing token the guards accept, or undefined. */
  const wrapUp = (l: Float32Array): number | undefined => {
    if (!closers) {
      const hit = closerCache.get(tokenText!);
      closers = hit && hit.vocab === l.length ? hit.ids : closerIds(l.length, tokenText!);
      closerCache.set(tokenText!, { vocab: l.length, ids: closers });
    }
    let best: number | undefined;
    for (const c of closers)
      if ((best === undefined || l[c] > l[best]) && syntax!.wrapsUp(tokenText!(c)) && !(guard > 0 && completesLoop(ids, c, guard))) best = c;
    return best;
  };
  let text = '';
  const emit = (delta: string): boolean => {
    if (!delta) return false;
    let d = delta;
    let done = false;
    if (braces) {
      const before = text.length;
      if (braces.feed(delta)) {
        d = delta.slice(0, braces.closedAt - before);
        done = true;
      }
    }
    text += d;
    if (d) opts.onText?.(d);
    return done;
  };
  if (opts.signal?.aborted) return { ids, text, stopReason: 'cancelled' };
  if (opts.maxNewTokens <= 0) return { ids, text, stopReason: 'max_tokens' };
  let logits = await runner.step(promptIds);
  let owned = false; // logits is a copy this loop may write to (the runner's buffer stays untouched)
  let lastYield = -Infinity; // yield after the prefill
  for (;;) {
    if (opts.vocabLimit !== undefined && opts.vocabLimit < logits.length) logits = logits.subarray(0, opts.vocabLimit);
    if (penalty !== undefined && seen.size) {
      logits = logits.slice(); // the runner's buffer stays untouched
      owned = true;
      penalizeRepeats(logits, seen, penalty);
    }
    const left = Math.min(opts.maxNewTokens - ids.length, runner.room + 1);
    let id = (syntax && left <= syntax.distance + WRAP_UP_SLACK ? wrapUp(logits) : undefined) ?? (greedy ? argmax(logits) : sample(logits, opts.temperature!, opts.topP ?? 1, rand));
    if ((guard || syntax) && refused(id)) {
      if (!owned) logits = logits.slice();
      const first = id;
      let tries = 0;
      for (; tries < maxTries && refused(id); tries++) {
        logits[id] = -Infinity;
        id = greedy ? argmax(logits) : sample(logits, opts.temperature!, opts.topP ?? 1, rand);
      }
      if (tries === maxTries && refused(id)) id = syntax ? first : id; // nothing acceptable nearby: the model's own choice
    }
    if (id === opts.eosId) {
      emit(stream.flush());
      return { ids, text, stopReason: 'eos' };
    }
    ids.push(id);
    seen.add(id);
    syntax?.feed(tokenText!(id)); // a refused token that went through anyway leaves the state as it was
    if (emit(stream.push(id))) return { ids, text, stopReason: 'balanced' };
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
    owned = false;
  }
}
