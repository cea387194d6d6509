// Focal-call rule, a logits processor for the decoder: the test method may not close before its body
// has called the focal method. A token is refused when its text would bring the method's braces back
// to balance (the `}` the brace stop ends at, braces in literals and comments not counted: read through
// the one lexer, ../lexer.ts) or EOS, while no `name(` (the focal method's name, then optional blanks,
// then `(`) has been written in code; the decoder then takes the model's next best, which
// usually begins another statement.
//
// It never makes a body endless: it refuses nothing once PATIENCE tokens have passed since it first
// refused a close (the model that does not mean to call the method then closes where it wants, not at the
// token limit after a runaway body), nor once the tokens left are ≤ what is open + WRAP_UP_SLACK (the
// wrap-up's zone, ./wrap-up.ts), so the method closes before the token limit even when the call never
// came (the pipeline's candidate rules then reject the test). In the STEER_TOKENS before it gives way
// (either way), it steers, only where that is cheap: right after a member `.`
// (or inside a name begun after one) it prefers the model's best token that writes the focal name and
// its `(`, when the processors accept it and the model ranks it among its STEER_TOP_RANK best;
// elsewhere it leaves the choice to the model (it does not invent a receiver). Tokens left are counted from the generation's maxNewTokens (a context that fills
// up first stops generation anyway).
import type { DecodingVocabulary, LogitsProcessor, RetryPolicy } from '../../model/decoding/processor';
import { copyLexState, lexChar, newLexState, type LexState } from '../lexer';
import { WRAP_UP_SLACK } from './wrap-up';

/** Tokens before the rule gives way in which it steers toward writing the focal name after a `.`. */
export const STEER_TOKENS = 16;
/** Tokens after the first refused close during which the rule keeps refusing. */
export const PATIENCE = 64;
/** The steered token must be among the model's this many best tokens. */
export const STEER_TOP_RANK = 32;
/** Candidates tried per step: a refused closer is nearly always followed by an acceptable one. */
export const FOCAL_CALL_MAX_TRIES = 32;

/** A Java identifier: what `requireCall` must be. */
export const JAVA_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

interface CallState {
  lx: LexState;
  depth: number; // `{` open (1: the prompt ends after the method's `{`)
  word: string; // the identifier being read in code, '' after any other code character
  afterDot: boolean; // the current word (or the next one) follows a member `.`
  named: boolean; // the focal name was just read; blanks or comments may come before its `(`
  called: boolean;
}

const isWordChar = (c: string) => /[\w$]/.test(c);

/** Runs `text` through `s` (mutated); false when the method's braces balance before the focal call. */
function scan(s: CallState, text: string, name: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const event = lexChar(s.lx, c);
    if (event === 'comment' || event === 'comment_close') continue;
    if (event === 'comment_open') {
      s.word = ''; // the `/` that opened it was read as code
      continue;
    }
    if (event !== 'code') {
      s.word = '';
      s.named = false;
      s.afterDot = false;
      continue;
    }
    if (isWordChar(c)) {
      s.word += c;
      s.named = false;
      continue;
    }
    if (s.word) {
      s.named = s.word === name;
      if (!/\s|\(/.test(c)) s.named = false;
      s.afterDot = false;
      s.word = '';
    }
    if (c === '(') {
      if (s.named) s.called = true;
      s.named = false;
    } else if (/\s/.test(c)) continue;
    else {
      s.named = false;
      s.afterDot = c === '.';
      if (c === '{') s.depth++;
      else if (c === '}' && --s.depth <= 0 && !s.called) return false;
    }
  }
  return true;
}

export class FocalCallRule implements LogitsProcessor {
  readonly retry: RetryPolicy = { maxTries: FOCAL_CALL_MAX_TRIES, exhausted: 'model-choice' };
  private s: CallState = { lx: newLexState(), depth: 1, word: '', afterDot: false, named: false, called: false };
  private readonly target: string;
  private readonly steerIds = new Map<number, number[]>(); // per characters of `target` already written: ids that continue it
  private readonly distance: () => number;
  private refusedAt: number | undefined; // tokens generated when a close was first refused

  /**
   * `name`: the focal method's name; `maxNewTokens`: the generation's budget; `distance`: what is left
   * to close (the syntax guard's bracket distance when it runs, else this rule's open braces).
   */
  constructor(
    private readonly name: string,
    private readonly vocabulary: DecodingVocabulary,
    private readonly maxNewTokens: number,
    distance?: () => number,
  ) {
    this.target = `${name}(`;
    this.distance = distance ?? (() => this.s.depth + (this.s.lx.mode === 'code' ? 0 : 1));
  }

  /** The body has called the focal method. */
  get called(): boolean {
    return this.s.called;
  }

  /** Tokens until the rule gives way: its patience runs out, or the wrap-up's zone begins (the method must still close). */
  private untilGivingWay(generatedCount: number, tokensLeft: number): number {
    const patience = this.refusedAt === undefined ? Infinity : this.refusedAt + PATIENCE - generatedCount;
    return Math.min(patience, tokensLeft - this.distance() - WRAP_UP_SLACK);
  }

  accepts(candidateId: number, generated: readonly number[]): boolean {
    if (this.s.called || this.untilGivingWay(generated.length, this.maxNewTokens - generated.length) <= 0) return true;
    const ok = candidateId !== this.vocabulary.eosId && scan({ ...this.s, lx: copyLexState(this.s.lx) }, this.vocabulary.tokenText(candidateId), this.name);
    if (!ok) this.refusedAt ??= generated.length;
    return ok;
  }

  prefer(logits: Float32Array, generated: readonly number[], tokensLeft: number, acceptable: (id: number) => boolean): number | undefined {
    const until = this.untilGivingWay(generated.length, tokensLeft);
    if (this.s.called || until <= 0 || until > STEER_TOKENS) return undefined;
    // only where a name follows a member `.`: `receiver.` or `receiver.na` with `na` a prefix of the name
    const typed = this.s.word;
    if (this.s.lx.mode !== 'code' || !(this.s.afterDot && this.target.startsWith(typed))) return undefined;
    let best: number | undefined;
    for (const id of this.continuing(typed.length, logits.length)) if ((best === undefined || logits[id] > logits[best]) && acceptable(id)) best = id;
    if (best === undefined) return undefined;
    let above = 0; // the model's own ranking: a name it ranks far down is not forced
    for (let id = 0; id < logits.length && above < STEER_TOP_RANK; id++) if (logits[id] > logits[best]) above++;
    return above < STEER_TOP_RANK ? best : undefined;
  }

  /** Ids whose text continues `target` after its first `written` characters (found once per `written`). */
  private continuing(written: number, vocab: number): number[] {
    let ids = this.steerIds.get(written);
    if (!ids) {
      const rest = this.target.slice(written);
      ids = [];
      for (let id = 0; id < vocab; id++) {
        const t = this.vocabulary.tokenText(id);
        if (t && isWordChar(t[0]) && (rest.startsWith(t) || t.startsWith(rest))) ids.push(id);
      }
      this.steerIds.set(written, ids);
    }
    return ids;
  }

  observe(chosenId: number): void {
    scan(this.s, this.vocabulary.tokenText(chosenId), this.name);
  }
}
