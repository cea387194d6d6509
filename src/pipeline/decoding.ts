// How a test is decoded, in one place: the product's decoding (the user's settings: loop guard and
// syntax guard on by default, and the focal-call rule) or the study's plain greedy decoding (for reproducing the paper's
// figures). Every caller — the extension, `testtune generate`/`demo`, `testtune eval` and the
// adapter-vs-base evaluation — takes its decoding from here; defaults come from the settings declaration.
import { DEFAULT_SETTINGS, type TestTuneSettings } from '../config/settings';

export type DecodingMode = 'study' | 'product';
export const DECODING_MODES: readonly DecodingMode[] = ['study', 'product'];

/** Plain data: crosses the sidecar's protocol and the model worker unchanged. */
export interface DecodingParams {
  maxNewTokens: number;
  /** Never n back-to-back copies of one unit; 0 = off (the study's greedy). */
  loopGuard: number;
  /** Never a token that breaks the method's brackets; false = off (the study's greedy). */
  syntaxGuard: boolean;
  /** Names only the project has, when the prepared test carries a symbol scope (src/java/decoding/symbol-constraint.ts); false = off (the study's greedy). */
  symbolConstraint: boolean;
  /** > 1 penalises tokens already generated; undefined = off. Not a setting: an experiment knob. */
  repetitionPenalty?: number;
  /** The test may not close before calling the focal method (the pipeline names it: candidates.ts); false or undefined = off (the study's greedy). */
  focalCall?: boolean;
}

type DecodingSettings = Pick<TestTuneSettings, 'maxNewTokens' | 'loopGuard' | 'syntaxGuard' | 'symbolConstraint'>;

/**
 * The decoding of `mode`. `product` follows the settings (the declared defaults when none are given);
 * `study` is plain greedy with the same token budget, so the two differ only in the guards.
 */
export function decodingParams(mode: DecodingMode, settings: DecodingSettings = DEFAULT_SETTINGS): DecodingParams {
  if (mode === 'study') return { maxNewTokens: settings.maxNewTokens, loopGuard: 0, syntaxGuard: false, symbolConstraint: false };
  return { maxNewTokens: settings.maxNewTokens, loopGuard: settings.loopGuard, syntaxGuard: settings.syntaxGuard, focalCall: true, symbolConstraint: settings.symbolConstraint };
}

/** `--decoding`: study | product; absent = `fallback`; anything else = an error naming the values. */
export function parseDecodingMode(value: string | undefined, fallback: DecodingMode): DecodingMode | { error: string } {
  if (value === undefined) return fallback;
  return (DECODING_MODES as readonly string[]).includes(value) ? (value as DecodingMode) : { error: `--decoding must be one of ${DECODING_MODES.join(', ')}, got '${value}'` };
}
