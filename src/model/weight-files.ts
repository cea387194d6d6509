// The weights of a model folder as Hugging Face saves them: `model.safetensors`, or shards listed by
// `model.safetensors.index.json` ({"weight_map": {tensor: file}}). Every tensor the family needs must be
// there with its shape; every tensor in the files must be used by a module (an unused one means the
// config describes another architecture than the weights, e.g. biases the config does not announce).
// `pytorch_model.bin` (pickle) is refused with the command that converts it.
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors, readSafetensorsLazy, toF32, type StTensor } from './safetensors';
import { MAX_JSON_CONFIG_BYTES, readRegularText } from '../util/safe-read';
import type { WeightSpec } from './family-api';

const SINGLE_FILE = 'model.safetensors';
const INDEX_FILE = 'model.safetensors.index.json';

/** Buffers some checkpoints carry that transformers recomputes and never loads (not weights). */
const RECOMPUTED_BUFFERS = [/\.rotary_emb\.inv_freq$/, /\.attn\.causal_mask$/, /\.attn\.masked_bias$/];

/** Which safetensors files hold the weights, or why there are none usable. */
export function weightFiles(modelDir: string): { files: string[]; dtypes?: string[] } {
  const single = path.join(modelDir, SINGLE_FILE);
  const index = path.join(modelDir, INDEX_FILE);
  if (fs.existsSync(index)) {
    let json: { weight_map?: unknown };
    try {
      json = JSON.parse(readRegularText(index, MAX_JSON_CONFIG_BYTES)); // a regular file of bounded size (no FIFO hang)
    } catch (e) {
      throw new Error(`model ${modelDir}: cannot read ${INDEX_FILE} (${(e as Error).message})`);
    }
    const map = json.weight_map;
    if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.values(map).every((f) => typeof f === 'string'))
      throw new Error(`model ${modelDir}: ${INDEX_FILE} has no 'weight_map' object of tensor → file names`);
    const files = [...new Set(Object.values(map as Record<string, string>))].sort();
    for (const f of files)
      if (path.basename(f) !== f || !f.endsWith('.safetensors')) throw new Error(`model ${modelDir}: ${INDEX_FILE} names '${f}', not a .safetensors file in the folder`);
    return { files: files.map((f) => path.join(modelDir, f)) };
  }
  if (fs.existsSync(single)) return { files: [single] };
  for (const bin of ['pytorch_model.bin', 'pytorch_model.bin.index.json'])
    if (fs.existsSync(path.join(modelDir, bin)))
      throw new Error(
        `model ${modelDir}: ${bin} is a PyTorch pickle, which TestTune does not read (loading a pickle can run code). Convert it once with transformers: ` +
          `python -c "from transformers import AutoModelForCausalLM as M; M.from_pretrained('${modelDir}').save_pretrained('${modelDir}', safe_serialization=True)"`,
      );
  throw new Error(`model ${modelDir}: no ${SINGLE_FILE} or ${INDEX_FILE}`);
}

/**
 * All tensors of the model's safetensors files (a name in two shards is an error). `lazy`: only the
 * headers are read now, each tensor's data when it is used (readSafetensorsLazy).
 */
export function readWeightTensors(modelDir: string, lazy = false): Map<string, StTensor> {
  const all = new Map<string, StTensor>();
  for (const file of weightFiles(modelDir).files) {
    for (const [name, t] of lazy ? readSafetensorsLazy(file) : readSafetensors(file).tensors) {
      if (all.has(name)) throw new Error(`model ${modelDir}: tensor '${name}' appears in two shards (second: ${path.basename(file)})`);
      all.set(name, t);
    }
  }
  return all;
}

/** Checks the tensors against the family's specs and widens them to F32. */
export function selectWeights(modelDir: string, tensors: Map<string, StTensor>, specs: WeightSpec[], tiedHead?: { embed: string; weight: string }): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const [name, t] of selectTensors(modelDir, tensors, specs, tiedHead)) weights.set(name, toF32(t, name));
  return weights;
}

/** Checks the tensors against the family's specs (present, shape, float dtype, every one used); kept as stored (F16/BF16 not widened). */
export function selectTensors(modelDir: string, tensors: Map<string, StTensor>, specs: WeightSpec[], tiedHead?: { embed: string; weight: string }): Map<string, StTensor> {
  const weights = new Map<string, StTensor>();
  for (const s of specs) {
    const t = tensors.get(s.name);
    if (!t) throw new Error(`model ${modelDir}: the checkpoint lacks tensor '${s.name}'`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i]))
      throw new Error(`model ${modelDir}: tensor '${s.name}' has shape [${t.shape}], config.json implies [${s.shape}]`);
    if (!['F32', 'F16', 'BF16'].includes(t.dtype)) throw new Error(`model ${modelDir}: tensor '${s.name}' has dtype ${t.dtype}`);
    weights.set(s.name, t);
  }
  const unused = [...tensors.keys()].filter((n) => !weights.has(n) && !RECOMPUTED_BUFFERS.some((re) => re.test(n)));
  // a tied model may still store its LM head: harmless when it is the embedding's copy
  const extra = unused.filter((n) => !(tiedHead && n === tiedHead.weight && sameValues(tensors.get(n)!, tensors.get(tiedHead.embed))));
  if (extra.length)
    throw new Error(
      `model ${modelDir}: the checkpoint has tensor${extra.length > 1 ? 's' : ''} no module of this ${specs.length ? 'config' : 'model'} uses: ` +
        `${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''} (config.json does not describe these weights; TestTune refuses rather than skip them)`,
    );
  return weights;
}

function sameValues(a: StTensor, b: StTensor | undefined): boolean {
  if (!b || a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  const da = a.data; // read once: a lazy tensor reads its file at each access
  const db = b.data;
  const x = new Uint8Array(da.buffer, da.byteOffset, da.byteLength);
  const y = new Uint8Array(db.buffer, db.byteOffset, db.byteLength);
  return Buffer.compare(x, y) === 0;
}
