// Writes a randomly initialised default-model directory (config.json, model.safetensors,
// tokenizer.json) with a GIVEN tokenizer: `testtune model init` trains its own BPE, while the default
// model must use the corpus tokenizer. eos/bos are the tokenizer's <|endoftext|>.
//
// usage: node --import tsx scripts/default-model/init-model.ts --tokenizer <tokenizer.json> --out <dir>
//          --layers 4 --hidden 256 --heads 4 --kv-heads 2 --ffn 704 [--max-pos 1024] [--seed 0] [--std 0.02]
import * as fs from 'node:fs';
import { initWeights, writeModelDir } from '../../src/model/init';
import { parameterCount, type ModelConfig } from '../../src/model/config';
import { Tokenizer } from '../../src/model/tokenizer';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : d;
};
const tokPath = arg('tokenizer');
const out = arg('out');
if (!tokPath || !out) {
  console.error('usage: init-model.ts --tokenizer <tokenizer.json> --out <dir> --layers n --hidden n --heads n --kv-heads n --ffn n');
  process.exit(2);
}
const tokJson = JSON.parse(fs.readFileSync(tokPath, 'utf8'));
const tok = Tokenizer.fromJSON(tokJson);
const hidden = Number(arg('hidden', '256'));
const heads = Number(arg('heads', '4'));
const cfg: ModelConfig = {
  modelType: 'llama',
  hiddenSize: hidden,
  numLayers: Number(arg('layers', '4')),
  numHeads: heads,
  numKvHeads: Number(arg('kv-heads', String(heads))),
  headDim: hidden / heads,
  intermediateSize: Number(arg('ffn', String(Math.round((hidden * 8) / 3 / 64) * 64))),
  vocabSize: tok.vocabSize,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  maxPositions: Number(arg('max-pos', '1024')),
  tieWordEmbeddings: true,
  ...(tok.eosId >= 0 ? { eosTokenId: tok.eosId, bosTokenId: tok.eosId } : {}),
};
writeModelDir(out, cfg, initWeights(cfg, Number(arg('seed', '0')), Number(arg('std', '0.02'))), tokJson);
console.log(`wrote ${out}: ${cfg.numLayers}x${cfg.hiddenSize} (heads ${cfg.numHeads}/${cfg.numKvHeads}, ffn ${cfg.intermediateSize}), vocab ${cfg.vocabSize}, ${parameterCount(cfg).toLocaleString('en-US')} parameters`);
