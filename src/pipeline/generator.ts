// What the pipeline needs from a model: one call that continues a prompt. Three implementations, one
// per host: the in-process engine (`engineGenerator`, below: the CLI and `testtune eval`), the sidecar
// client (`testtune generate --sidecar`, src/cli/commands/generate.ts) and the extension's model bridge
// (src/extension/generate-test.ts). The pipeline never knows which one it drives.
import type { SymbolConstraintData } from '../java/decoding/symbol-constraint';
import type { Engine, GenerateResult } from '../model/engine-api';
import type { DecodingParams } from './decoding';

export interface GenerateCall {
  decoding: DecodingParams;
  /** Adapter name (already loaded), null = the base model, undefined = the host's current selection. */
  adapter?: string | null;
  signal?: AbortSignal;
  onText?: (delta: string) => void;
  /** Sampling for diverse candidates; undefined or 0 = greedy. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** The focal method's name: the test may not close before calling it (the decoding's focal-call rule); undefined = off. */
  requireCall?: string;
  /** Identifiers the model may not write (a repair round's re-decode of a statement javac rejected); undefined = none. */
  forbiddenNames?: string[];
  /** The symbol constraint's data (the prepared test's scope, the body already written); sent only when `decoding.symbolConstraint` is on. */
  symbols?: SymbolConstraintData;
}

export interface TestGenerator {
  generate(prompt: string, call: GenerateCall): Promise<GenerateResult>;
}

/** The engine's options for one call: decoding + sampling + the brace stop (the prompt ends after the method's `{`). */
export function engineOptions(call: GenerateCall) {
  const d = call.decoding;
  return {
    maxNewTokens: d.maxNewTokens,
    loopGuard: d.loopGuard,
    syntaxGuard: d.syntaxGuard,
    ...(d.repetitionPenalty !== undefined ? { repetitionPenalty: d.repetitionPenalty } : {}),
    ...(call.temperature ? { temperature: call.temperature, topP: call.topP, seed: call.seed } : {}),
    ...(call.requireCall ? { requireCall: call.requireCall } : {}),
    ...(call.forbiddenNames?.length ? { forbiddenNames: call.forbiddenNames } : {}),
    ...(call.symbols && d.symbolConstraint ? { symbols: call.symbols } : {}),
    stopWhenBalanced: true,
  };
}

/** A generator over an engine in this process. */
export function engineGenerator(engine: Engine): TestGenerator {
  return {
    generate: (prompt, call) => engine.generate(prompt, { ...engineOptions(call), adapter: call.adapter, signal: call.signal, onText: call.onText }),
  };
}
