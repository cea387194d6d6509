// Loop guard: never produce a token that would make the generated ids end with `copies` back-to-back
// copies of one unit of 1..LOOP_MAX_PERIOD tokens (`expected, expected, expected`, the same statement
// three times); the loop takes the next-best token instead (at most LOOP_MAX_TRIES candidates per step,
// then the last one tried). Unlike the repetition penalty it changes nothing until a loop forms, so
// outputs without one equal plain greedy. Language-agnostic: it compares token ids only.
import type { LogitsProcessor, RetryPolicy } from './processor';

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

export class LoopGuard implements LogitsProcessor {
  readonly retry: RetryPolicy = { maxTries: LOOP_MAX_TRIES, exhausted: 'last-tried' };

  /** `copies` ≥ 2 (0 and 1 mean off: leave the processor out). */
  constructor(private readonly copies: number) {}

  accepts(candidateId: number, generated: readonly number[]): boolean {
    return !completesLoop(generated, candidateId, this.copies);
  }
}
