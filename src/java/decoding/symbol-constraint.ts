// Symbol constraint, a logits processor for the decoder (issue 17, after Agrawal et al., "Monitor-Guided
// Decoding of Code LMs with Static Analysis of Repository Context"): never produce a token whose text
// names what the project does not have — a member its receiver's type lacks, a call with an arity no
// overload takes, `new` on what cannot be constructed, an unknown bare name, a local declared twice.
// The rules and what is left alone are in statement-tracker.ts; the data is the SymbolScope of
// src/symbols/scope.ts, where what is missing is unknown, never forbidden. A name spans several BPE
// tokens: a token is refused only when no allowed name starts with the name written so far plus its
// characters (or the name it completes is followed by what cannot follow it).
// Like the syntax guard, the decoder then takes the model's next best, trying at most SYMBOL_MAX_TRIES
// candidates per step; when none of them is accepted (nothing the project has is near the model's
// choice), the model's own choice is produced and the tracker stops constraining that name. It gives way
// to closing tokens in the wrap-up's zone (tokens left ≤ what is open + WRAP_UP_SLACK, ./wrap-up.ts), like
// the focal-call rule: there the method must close, and a call's `)` with the wrong arity still closes it.
import type { DecodingVocabulary, LogitsProcessor, RetryPolicy } from '../../model/decoding/processor';
import type { SymbolScope } from '../../symbols/scope';
import { StatementTracker } from './statement-tracker';
import { SymbolTables } from './symbol-tables';
import { WRAP_UP_SLACK } from './wrap-up';
import { CLOSING_TEXT } from '../bracket-guard';

/**
 * Candidates tried per step when the symbol constraint is on. Larger than the syntax guard's 32: with 32,
 * all 12 methods whose greedy test still had "cannot find symbol" errors on the verification benchmark
 * got them where every candidate tried was refused (the model's own choice went through), e.g. `Assert.`
 * where `Assertions.` was further down (docs/results.md §13). Only steps with a refusal pay for it.
 */
export const SYMBOL_MAX_TRIES = 128;

/** What GenerateOptions.symbols carries for TestTune: plain JSON. */
export interface SymbolConstraintData {
  scope: SymbolScope;
  /** Body text already in the prompt after the test method's `{` (a seeded candidate's statements): its locals count. */
  bodyBefore?: string;
  /** The test class's qualified name: the types of its fields (and inherited ones) come from `scope.types` when it is there. */
  testClass?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads GenerateOptions.symbols; every problem named by its key (the entries inside `types` are read leniently: a malformed type is unknown). */
export function readSymbolData(value: unknown): { value?: SymbolConstraintData; errors: string[] } {
  if (!isRecord(value)) return { errors: ['symbols must be an object {scope, bodyBefore?, testClass?}'] };
  const errors: string[] = [];
  const scope = value.scope;
  if (!isRecord(scope)) errors.push('symbols.scope must be an object (a SymbolScope)');
  else {
    for (const key of ['visibleTypes', 'types', 'bareNames'] as const) if (!isRecord(scope[key])) errors.push(`symbols.scope.${key} must be an object`);
    if (!Array.isArray(scope.knownPackages) || !scope.knownPackages.every((p) => typeof p === 'string')) errors.push('symbols.scope.knownPackages must be an array of strings');
    if (scope.bareNamesIncomplete !== undefined && typeof scope.bareNamesIncomplete !== 'boolean') errors.push('symbols.scope.bareNamesIncomplete must be a boolean');
  }
  if (value.bodyBefore !== undefined && typeof value.bodyBefore !== 'string') errors.push('symbols.bodyBefore must be a string');
  if (value.testClass !== undefined && typeof value.testClass !== 'string') errors.push('symbols.testClass must be a string');
  return errors.length ? { errors } : { value: value as unknown as SymbolConstraintData, errors };
}

/** Tables per scope object: the in-process pipeline passes one scope to every candidate of a test. */
const tablesOf = new WeakMap<SymbolScope, SymbolTables>();

export class SymbolConstraint implements LogitsProcessor {
  readonly retry: RetryPolicy = { maxTries: SYMBOL_MAX_TRIES, exhausted: 'model-choice' };
  private readonly tracker: StatementTracker;
  /** This step's tried candidates → the tracker's state after them (undefined: refused). */
  private readonly tried = new Map<number, unknown>();

  private readonly distance: () => number;

  /**
   * `maxNewTokens`: the generation's budget; `distance`: what is left to close (the syntax guard's bracket
   * distance when it runs, else the tracker's). Without a budget it never gives way (tests).
   */
  constructor(data: SymbolConstraintData, private readonly vocabulary: DecodingVocabulary, private readonly maxNewTokens = Infinity, distance?: () => number) {
    this.distance = distance ?? (() => this.tracker.distance);
    let tables = tablesOf.get(data.scope);
    if (!tables) tablesOf.set(data.scope, (tables = new SymbolTables(data.scope)));
    this.tracker = new StatementTracker(tables, data.testClass);
    if (data.bodyBefore) this.tracker.feed(data.bodyBefore);
  }

  accepts(candidateId: number, generated: readonly number[] = []): boolean {
    if (candidateId === this.vocabulary.eosId) return true; // the syntax guard's business
    const text = this.vocabulary.tokenText(candidateId);
    // the wrap-up's zone: a token that only closes is never refused (the method must close), names still are
    if (this.maxNewTokens - generated.length <= this.distance() + WRAP_UP_SLACK && CLOSING_TEXT.test(text)) return true;
    if (!this.tried.has(candidateId)) this.tried.set(candidateId, this.tracker.attempt(text));
    return this.tried.get(candidateId) !== undefined;
  }

  observe(chosenId: number): void {
    const state = this.tried.get(chosenId);
    if (state !== undefined) this.tracker.commit(state);
    else this.tracker.feed(this.vocabulary.tokenText(chosenId)); // refused but produced anyway: followed, no longer constrained
    this.tried.clear();
  }
}
