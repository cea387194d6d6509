// The one place that turns a generation's options (plain data: they cross the worker thread and the
// sidecar's JSON protocol) into its decoding: the model's language-agnostic processors (repetition
// penalty, loop guard) and the Java-aware ones (syntax guard + wrap-up, brace stop). Every engine that
// generates Java tests gets this factory (java-engine.ts); src/model knows none of the Java pieces.
import type { DecodingFactory, LogitsProcessor, StoppingCriterion } from '../model/decoding/processor';
import { LoopGuard } from '../model/decoding/loop-guard';
import { RepetitionPenalty } from '../model/decoding/repetition-penalty';
import { BraceStop } from '../java/decoding/brace-stop';
import { FocalCallRule, JAVA_IDENTIFIER } from '../java/decoding/focal-call';
import { ForbiddenNames } from '../java/decoding/forbidden-names';
import { readSymbolData, SymbolConstraint } from '../java/decoding/symbol-constraint';
import { SyntaxGuard } from '../java/decoding/syntax-guard';
import { WrapUp } from '../java/decoding/wrap-up';

/**
 * - `repetitionPenalty`: on unless undefined or 1 (the study's plain greedy has none);
 * - `loopGuard`: n ≥ 2 copies refused (0, 1 or undefined: off);
 * - `syntaxGuard`: the syntax guard and its wrap-up near the token limit;
 * - `requireCall`: the focal-call rule (the method does not close before calling that name), before
 *   the wrap-up so that its steering is asked first;
 * - `forbiddenNames`: never write these identifiers (a repair round's re-decode);
 * - `symbols`: the symbol constraint over this scope (`{scope, bodyBefore?, testClass?}`, symbol-constraint.ts); malformed data is an error naming the key;
 * - `stopWhenBalanced`: the brace stop, on unless false (the prompt ends after the test method's `{`).
 */
export const javaDecoding: DecodingFactory = (options, vocabulary) => {
  const processors: LogitsProcessor[] = [];
  const penalty = options.repetitionPenalty;
  if (penalty !== undefined && penalty !== 1) processors.push(new RepetitionPenalty(penalty));
  if (options.loopGuard && options.loopGuard >= 2) processors.push(new LoopGuard(Math.floor(options.loopGuard)));
  const guard = options.syntaxGuard ? new SyntaxGuard(vocabulary) : undefined;
  if (guard) processors.push(guard);
  if (options.requireCall && JAVA_IDENTIFIER.test(options.requireCall)) processors.push(new FocalCallRule(options.requireCall, vocabulary, options.maxNewTokens, guard && (() => guard.brackets.distance)));
  if (options.forbiddenNames?.length) processors.push(new ForbiddenNames(options.forbiddenNames, vocabulary));
  if (options.symbols !== undefined) {
    const data = readSymbolData(options.symbols);
    if (!data.value) throw new Error(`generate: ${data.errors.join('; ')}`);
    processors.push(new SymbolConstraint(data.value, vocabulary, options.maxNewTokens, guard && (() => guard.brackets.distance)));
  }
  if (guard) processors.push(new WrapUp(guard, vocabulary));
  const stoppingCriteria: StoppingCriterion[] = options.stopWhenBalanced === false ? [] : [new BraceStop(1)];
  return { processors, stoppingCriteria };
};
