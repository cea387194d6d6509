// PEFT-layout adapters on disk: `adapter_config.json` + `adapter_model.safetensors`, for LoRA, (IA)³
// and prompt tuning, with tensor names as PEFT writes them (e.g.
// `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`, `...k_proj.ia3_l`,
// `prompt_embeddings`). Loading validates config and every tensor against the model; a corrupt or
// mismatched adapter is an AdapterError with a clear message.
import * as fs from 'fs';
import * as path from 'path';
import type { AdapterInfo, PeftType } from './engine-api';
import type { ModelConfig } from './config';
import { unsupportedAdapterSettings } from './adapter-keys';
import { targetModules, type AdapterSlots, type AdapterWeights } from './family';
import { readSafetensors, toF32, writeSafetensors, type StTensor } from './safetensors';
import { boundedFullMatches } from './safe-load';
import { MAX_JSON_CONFIG_BYTES, readRegularText } from '../util/safe-read';

export class AdapterError extends Error {}

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';
const PREFIX = 'base_model.model.';

export interface AdapterSpec {
  peftType: PeftType;
  targets: string[]; // LoRA/IA3 target_modules (short names)
  feedforward: string[]; // IA3 feedforward_modules
  r: number;
  alpha: number;
  dropout: number;
  numVirtualTokens: number;
  weights: AdapterWeights;
  baseModel?: string;
}

export interface LoadedAdapter {
  info: AdapterInfo;
  spec: AdapterSpec;
  slots: AdapterSlots;
}

function fail(dir: string, msg: string): never {
  throw new AdapterError(`adapter ${dir}: ${msg}`);
}

function shortNames(v: unknown, key: string, dir: string, known: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    // PEFT: a string is a regex that must fully match the module path; resolve against short names.
    // Run with a time bound (safe-load.ts): a backtracking pattern fails with a message, never hangs.
    const forms = known.map((s) => [s, `model.layers.0.self_attn.${s}`, `model.layers.0.mlp.${s}`]);
    let hits: boolean[];
    try {
      hits = boundedFullMatches(v, forms.flat(), `${ADAPTER_CONFIG} '${key}'`);
    } catch (e) {
      fail(dir, (e as Error).message);
    }
    return known.filter((_, i) => hits[3 * i] || hits[3 * i + 1] || hits[3 * i + 2]);
  }
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(dir, `${key} must be a list of module names`);
  const unknown = (v as string[]).filter((s) => !known.includes(s));
  if (unknown.length) fail(dir, `${key} names modules this model does not have: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return v as string[];
}

/** Slots a graph needs for this adapter. */
function slotsFor(spec: AdapterSpec): AdapterSlots {
  if (spec.peftType === 'LORA') return { lora: { targets: spec.targets } };
  if (spec.peftType === 'IA3') return { ia3: { targets: spec.targets, feedforward: spec.feedforward } };
  return { prompt: true };
}

function trainableParams(w: AdapterWeights): number {
  let n = 0;
  for (const m of [w.lora?.A, w.lora?.B, w.ia3?.vectors]) for (const v of m?.values() ?? []) n += v.length;
  return n + (w.prompt?.data.length ?? 0);
}

function tensor(tensors: Map<string, StTensor>, name: string, shape: number[], dir: string): Float32Array {
  const t = tensors.get(name);
  if (!t) fail(dir, `tensor '${name}' is missing from ${ADAPTER_WEIGHTS}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) fail(dir, `tensor '${name}' has shape [${t.shape}], expected [${shape}]`);
  if (!['F32', 'F16', 'BF16'].includes(t.dtype)) fail(dir, `tensor '${name}' has dtype ${t.dtype}, expected F32/F16/BF16`);
  const data = toF32(t, name);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) fail(dir, `tensor '${name}' holds a non-finite value`);
  return data;
}

/** Loads and validates a PEFT adapter directory against the model config. */
export function loadAdapterDir(dir: string, cfg: ModelConfig, knownModules: string[]): LoadedAdapter {
  const cfgPath = path.join(dir, ADAPTER_CONFIG);
  if (!fs.existsSync(cfgPath)) fail(dir, `no ${ADAPTER_CONFIG}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readRegularText(cfgPath, MAX_JSON_CONFIG_BYTES, ADAPTER_CONFIG));
  } catch (e) {
    fail(dir, `${ADAPTER_CONFIG} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) fail(dir, `${ADAPTER_CONFIG} is not a JSON object`);
  const peftType = raw.peft_type;
  if (peftType !== 'LORA' && peftType !== 'IA3' && peftType !== 'PROMPT_TUNING')
    fail(dir, `peft_type ${JSON.stringify(peftType)} is not supported (LORA, IA3, PROMPT_TUNING)`);
  const unsupported = unsupportedAdapterSettings(raw);
  if (unsupported.length) fail(dir, `${ADAPTER_CONFIG}: ${unsupported.join('; ')}`);
  const wPath = path.join(dir, ADAPTER_WEIGHTS);
  if (!fs.existsSync(wPath)) fail(dir, `no ${ADAPTER_WEIGHTS}`);
  let tensors: Map<string, StTensor>;
  try {
    tensors = readSafetensors(wPath).tensors;
  } catch (e) {
    fail(dir, (e as Error).message);
  }
  const spec: AdapterSpec = { peftType, targets: [], feedforward: [], r: 0, alpha: 0, dropout: 0, numVirtualTokens: 0, weights: {} };
  spec.baseModel = typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : undefined;
  if (peftType === 'LORA') {
    const r = raw.r;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 1) fail(dir, `r must be a positive integer, got ${JSON.stringify(r)}`);
    const alpha = raw.lora_alpha ?? r;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) fail(dir, `lora_alpha must be a number`);
    if (raw.use_rslora === true || raw.use_dora === true) fail(dir, 'rsLoRA and DoRA are not supported');
    if (raw.rank_pattern && Object.keys(raw.rank_pattern as object).length) fail(dir, 'rank_pattern is not supported');
    if (raw.alpha_pattern && Object.keys(raw.alpha_pattern as object).length) fail(dir, 'alpha_pattern is not supported');
    Object.assign(spec, { r, alpha, dropout: typeof raw.lora_dropout === 'number' ? raw.lora_dropout : 0 });
    spec.targets = shortNames(raw.target_modules, 'target_modules', dir, knownModules);
    if (!spec.targets.length) fail(dir, 'target_modules is empty');
    const A = new Map<string, Float32Array>();
    const B = new Map<string, Float32Array>();
    for (const m of targetModules(cfg, spec.targets)) {
      A.set(m.path, tensor(tensors, `${PREFIX}${m.path}.lora_A.weight`, [r, m.inDim], dir));
      B.set(m.path, tensor(tensors, `${PREFIX}${m.path}.lora_B.weight`, [m.outDim, r], dir));
    }
    spec.weights = { lora: { scaling: alpha / r, rank: r, A, B } };
  } else if (peftType === 'IA3') {
    spec.targets = shortNames(raw.target_modules, 'target_modules', dir, knownModules);
    spec.feedforward = shortNames(raw.feedforward_modules, 'feedforward_modules', dir, knownModules);
    if (!spec.targets.length) fail(dir, 'target_modules is empty');
    const stray = spec.feedforward.filter((s) => !spec.targets.includes(s));
    if (stray.length) fail(dir, `feedforward_modules ${stray.join(', ')} are not in target_modules`);
    const vectors = new Map<string, Float32Array>();
    for (const m of targetModules(cfg, spec.targets)) {
      const ff = spec.feedforward.includes(m.short);
      vectors.set(m.path, tensor(tensors, `${PREFIX}${m.path}.ia3_l`, ff ? [1, m.inDim] : [m.outDim, 1], dir));
    }
    spec.weights = { ia3: { vectors, feedforward: spec.feedforward } };
  } else {
    const p = raw.num_virtual_tokens;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) fail(dir, `num_virtual_tokens must be a positive integer`);
    if (raw.num_transformer_submodules !== undefined && raw.num_transformer_submodules !== 1) fail(dir, 'num_transformer_submodules must be 1');
    spec.numVirtualTokens = p;
    spec.weights = { prompt: { p, data: tensor(tensors, 'prompt_embeddings', [p, cfg.hiddenSize], dir) } };
  }
  const expected = new Set(expectedNames(cfg, spec));
  const extra = [...tensors.keys()].filter((n) => !expected.has(n));
  if (extra.length) fail(dir, `unexpected tensors: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
  let createdAt: string | undefined;
  try {
    createdAt = fs.statSync(wPath).mtime.toISOString();
  } catch {
    createdAt = undefined;
  }
  const info: AdapterInfo = { name: path.basename(path.resolve(dir)), dir: path.resolve(dir), peftType, trainableParams: trainableParams(spec.weights), createdAt };
  return { info, spec, slots: slotsFor(spec) };
}

function expectedNames(cfg: ModelConfig, spec: AdapterSpec): string[] {
  if (spec.peftType === 'PROMPT_TUNING') return ['prompt_embeddings'];
  const out: string[] = [];
  for (const m of targetModules(cfg, spec.targets))
    if (spec.peftType === 'LORA') out.push(`${PREFIX}${m.path}.lora_A.weight`, `${PREFIX}${m.path}.lora_B.weight`);
    else out.push(`${PREFIX}${m.path}.ia3_l`);
  return out;
}

/** Writes an adapter in PEFT layout (config + F32 safetensors). */
export function saveAdapterDir(dir: string, cfg: ModelConfig, spec: AdapterSpec): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, StTensor>();
  const base = { base_model_name_or_path: spec.baseModel ?? null, task_type: 'CAUSAL_LM', inference_mode: true, peft_type: spec.peftType, revision: null };
  let config: Record<string, unknown>;
  if (spec.peftType === 'LORA') {
    const l = spec.weights.lora;
    if (!l) throw new AdapterError('saveAdapterDir: LORA spec without lora weights');
    for (const m of targetModules(cfg, spec.targets)) {
      const A = l.A.get(m.path);
      const B = l.B.get(m.path);
      if (!A || !B) throw new AdapterError(`saveAdapterDir: missing LoRA tensors for ${m.path}`);
      tensors.set(`${PREFIX}${m.path}.lora_A.weight`, { dtype: 'F32', shape: [spec.r, m.inDim], data: A });
      tensors.set(`${PREFIX}${m.path}.lora_B.weight`, { dtype: 'F32', shape: [m.outDim, spec.r], data: B });
    }
    config = { ...base, r: spec.r, lora_alpha: spec.alpha, lora_dropout: spec.dropout, target_modules: spec.targets, bias: 'none', fan_in_fan_out: false, use_rslora: false, use_dora: false, modules_to_save: null };
  } else if (spec.peftType === 'IA3') {
    const v = spec.weights.ia3;
    if (!v) throw new AdapterError('saveAdapterDir: IA3 spec without vectors');
    for (const m of targetModules(cfg, spec.targets)) {
      const data = v.vectors.get(m.path);
      if (!data) throw new AdapterError(`saveAdapterDir: missing (IA)³ vector for ${m.path}`);
      const ff = spec.feedforward.includes(m.short);
      tensors.set(`${PREFIX}${m.path}.ia3_l`, { dtype: 'F32', shape: ff ? [1, m.inDim] : [m.outDim, 1], data });
    }
    config = { ...base, target_modules: spec.targets, feedforward_modules: spec.feedforward, fan_in_fan_out: false, init_ia3_weights: true, modules_to_save: null };
  } else {
    const p = spec.weights.prompt;
    if (!p) throw new AdapterError('saveAdapterDir: PROMPT_TUNING spec without prompt embeddings');
    tensors.set('prompt_embeddings', { dtype: 'F32', shape: [p.p, cfg.hiddenSize], data: p.data });
    config = { ...base, num_virtual_tokens: p.p, token_dim: cfg.hiddenSize, num_transformer_submodules: 1, num_attention_heads: cfg.numHeads, num_layers: cfg.numLayers, prompt_tuning_init: 'RANDOM' };
  }
  writeSafetensors(path.join(dir, ADAPTER_WEIGHTS), tensors, { format: 'pt' });
  fs.writeFileSync(path.join(dir, ADAPTER_CONFIG), JSON.stringify(config, null, 2) + '\n');
}

/** File naming a model's default adapter: `<modelDir>/adapters/default.json` = `{"adapter": "<name>" | "none" | null}`. */
export const DEFAULT_ADAPTER_FILE = 'default.json';

export interface DefaultAdapter {
  /** Adapter folder name under `<modelDir>/adapters`, or null for the base model. */
  name: string | null;
  /** Absolute adapter directory when `name` is set. */
  dir?: string;
  /** Why the default is the base model although one was expected (missing/corrupt file, missing adapter). */
  warning?: string;
  /** Whether `default.json` exists at all (callers may stay quiet about models that never had one). */
  declared: boolean;
}

/**
 * The model's default adapter from `adapters/default.json`. Never throws: a missing or corrupt file,
 * or one naming an adapter folder without `adapter_config.json`, gives the base model and a warning.
 */
export function defaultAdapterOf(modelDir: string): DefaultAdapter {
  const adir = path.join(path.resolve(modelDir), 'adapters');
  const file = path.join(adir, DEFAULT_ADAPTER_FILE);
  const none = (warning: string, declared: boolean): DefaultAdapter => ({ name: null, warning: `${warning}; using the base model`, declared });
  let text: string;
  try {
    if (!fs.existsSync(file)) return none(`${file} does not exist`, false);
    text = readRegularText(file, MAX_JSON_CONFIG_BYTES);
  } catch (e) {
    return none(`cannot read ${file} (${(e as Error).message})`, true);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return none(`${file} is not valid JSON (${(e as Error).message})`, true);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('adapter' in raw)) return none(`${file} must be an object {"adapter": "<name>"}`, true);
  const name = (raw as { adapter: unknown }).adapter;
  if (name === null || name === 'none') return { name: null, declared: true };
  if (typeof name !== 'string' || name === '' || name !== path.basename(name) || name === '.' || name === '..')
    return none(`${file}: "adapter" must be a folder name under ${adir}, got ${JSON.stringify(name)}`, true);
  const dir = path.join(adir, name);
  if (!fs.existsSync(path.join(dir, ADAPTER_CONFIG))) return none(`${file} names adapter "${name}", but ${dir} has no ${ADAPTER_CONFIG}`, true);
  return { name, dir, declared: true };
}
