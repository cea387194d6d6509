// The pieces a decode is composed of, in the manner of transformers' LogitsProcessorList and
// StoppingCriteria, shaped for guards that pick among the model's own ranked tokens: a processor may
// rewrite the logits (a penalty), refuse a candidate so that the loop takes the model's next best (the
// loop guard, a syntax guard), offer a token to take instead of the ordinary choice (a wrap-up near
// the token limit) and watch the tokens produced. A stopping criterion watches the decoded text and
// ends generation at a point in it. The loop (../decode.ts) knows none of them by name; which ones a
// generation uses is decided by a DecodingFactory outside this folder (src/model knows no language).
import type { GenerateOptions, StopReason } from '../engine-api';

/** What the loop does when every candidate it tried was refused. */
export type Exhausted = 'model-choice' | 'last-tried';

export interface RetryPolicy {
  /** Candidates tried per step (the first choice included) before giving up. */
  maxTries: number;
  /** `model-choice`: produce the model's first choice anyway; `last-tried`: the last candidate tried. */
  exhausted: Exhausted;
}

export interface LogitsProcessor {
  /**
   * The logits to choose from: the same array when this step changes nothing, otherwise a changed copy
   * (the runner's buffer stays untouched). `generated`: the ids produced so far, prompt excluded.
   */
  transform?(logits: Float32Array, generated: readonly number[]): Float32Array;
  /** False when `candidateId` must not follow `generated`; the loop then takes the model's next best. */
  accepts?(candidateId: number, generated: readonly number[]): boolean;
  /** How hard the loop looks for a candidate this processor accepts; needed with `accepts`. */
  readonly retry?: RetryPolicy;
  /**
   * A token to take instead of the ordinary choice, or undefined. `tokensLeft`: tokens this generation
   * may still produce, this one included; `acceptable`: whether every processor accepts an id.
   */
  prefer?(logits: Float32Array, generated: readonly number[], tokensLeft: number, acceptable: (id: number) => boolean): number | undefined;
  /** A token was produced (never EOS: generation ends there). */
  observe?(chosenId: number): void;
}

export interface StoppingCriterion {
  /** Why generation ends when this criterion stops it. */
  readonly reason: StopReason;
  /** Sees each piece of decoded text in order; returns how many of its characters to keep when generation ends in it. */
  onText(delta: string): number | undefined;
}

/** The processors and stopping criteria of one generation (fresh objects: they keep per-generation state). */
export interface DecodingPlan {
  processors: LogitsProcessor[];
  stoppingCriteria: StoppingCriterion[];
}

/** What a factory may know of the model's vocabulary. */
export interface DecodingVocabulary {
  /** A token's text (bytes ≥ 0x80 may stand for any non-ASCII character); the same function for every generation of an engine. */
  tokenText(id: number): string;
  eosId?: number;
}

/**
 * Builds a generation's plan from its options, which stay plain data (they cross the worker thread
 * and the sidecar's JSON protocol). Passed to loadEngine by whoever creates an engine.
 */
export type DecodingFactory = (options: GenerateOptions, vocabulary: DecodingVocabulary) => DecodingPlan;
