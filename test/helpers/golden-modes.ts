// The decoding modes whose greedy outputs are pinned against the pre-processor decoder: by the golden
// test (test/sidecar/decode-golden.test.ts, 12 rows) and the benchmark (scripts/bench/decode-golden.ts,
// all 1,002 rows). One table, so the two compare the same modes.
import type { GenerateOptions } from '../../src/model/engine-api';

export const GOLDEN_MODES: Record<string, Omit<GenerateOptions, 'maxNewTokens'>> = {
  study: {},
  loop3: { loopGuard: 3 },
  syntax: { syntaxGuard: true },
  product: { loopGuard: 3, syntaxGuard: true },
  penalty: { repetitionPenalty: 1.2 },
};
