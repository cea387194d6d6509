// Shared by the bench modules: the record every module prints (its last stdout line is a JSON array
// of these), and the default-size random model they measure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { byteLevelTokenizerJson, initWeights, PRESETS, writeModelDir } from '../../src/model/init';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  anchor: string | null;
  anchor_value: number | null;
  ratio: number | null; // > 1: TestTune better than the anchor
}

/** The default preset (6×384, vocab 8192) with random weights, written once into the temp folder. */
export function defaultBenchModelDir(log: (msg: string) => void = () => {}): string {
  const cfg = { ...PRESETS.default, eosTokenId: 256 };
  const dir = path.join(os.tmpdir(), `testtune-bench-default-${cfg.numLayers}x${cfg.hiddenSize}-v${cfg.vocabSize}`);
  if (!fs.existsSync(path.join(dir, 'model.safetensors'))) {
    log(`writing ${dir}`);
    writeModelDir(dir, cfg, initWeights(cfg, 0, 0.02), byteLevelTokenizerJson());
  }
  return dir;
}
