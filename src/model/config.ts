// Model configuration: the Hugging Face `config.json` fields TestTune reads, validated into a typed
// `ModelConfig`. Parsing never throws: `parseModelConfig` returns `{ value?, errors }`. Families: `llama`
// (with attention/MLP biases, rope scaling), `mistral` (Llama with a sliding window), `qwen2` (q/k/v biases), `starcoder2` (LayerNorm, GELU MLP,
// biases), `phi` (partial rotary, parallel attention and MLP), `codegen` (GPT-J-style rotary, fused qkv).
// A key that changes the math and is not implemented is refused (config-keys.ts); family-only fields are
// absent for the other families.
import { parseRope, unknownKeyErrors, type ModelFamily, type RopeScaling } from './config-keys';

export type { ModelFamily, RopeScaling } from './config-keys';

/** Activations of the GELU MLPs (Hugging Face ACT2FN names). */
export type HiddenAct = 'gelu_pytorch_tanh' | 'gelu_new' | 'gelu';
const HIDDEN_ACTS: readonly HiddenAct[] = ['gelu_pytorch_tanh', 'gelu_new', 'gelu'];

export interface ModelConfig {
  modelType: ModelFamily; // HF `model_type`
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number; // hidden_size / num_attention_heads unless `head_dim` says otherwise
  intermediateSize: number;
  vocabSize: number;
  ropeTheta: number;
  rmsNormEps: number; // the norm's epsilon: `rms_norm_eps` (llama, qwen2) or the LayerNorm's (starcoder2, phi, codegen)
  maxPositions: number;
  tieWordEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenId?: number;
  useBias?: boolean; // starcoder2: biases on q/k/v/o_proj, c_fc, c_proj (`use_bias`)
  hiddenAct?: HiddenAct; // starcoder2, phi, codegen: the MLP activation (`hidden_act` / `activation_function`)
  slidingWindow?: number; // starcoder2: keys older than this many positions are masked (`sliding_window`)
  qkvBias?: boolean; // llama `attention_bias`, qwen2: biases on q/k/v_proj
  oBias?: boolean; // llama `attention_bias`: bias on o_proj
  mlpBias?: boolean; // llama `mlp_bias`: biases on gate/up/down_proj
  ropeScaling?: RopeScaling; // `rope_scaling` / `rope_parameters` other than default (rope.ts)
  rotaryDim?: number; // phi, codegen: RoPE rotates only the first rotaryDim dimensions of each head
  ropeInterleaved?: boolean; // codegen: GPT-J-style rotation of pairs (2i, 2i+1)
  learnedPositions?: boolean; // gpt_bigcode: a learned absolute position table (wpe) instead of RoPE
}

export const SUPPORTED_FAMILIES: readonly ModelFamily[] = ['llama', 'mistral', 'starcoder2', 'qwen2', 'phi', 'codegen', 'gpt_bigcode'];

export interface ConfigResult {
  value?: ModelConfig;
  errors: string[];
}

/** CodeGen's and GPTBigCode's GPT-2-style key names, mapped onto the common ones (n_inner null: 4·n_embd). */
function codegenKeys(o: Record<string, unknown>): Record<string, unknown> {
  const n = o.n_embd;
  return {
    ...o,
    hidden_size: n,
    num_hidden_layers: o.n_layer,
    num_attention_heads: o.n_head,
    intermediate_size: o.n_inner ?? (typeof n === 'number' ? 4 * n : undefined),
    max_position_embeddings: o.n_positions ?? o.n_ctx,
    // gpt_bigcode: multi-query attention (one K/V head) unless multi_query is false
    ...(o.model_type === 'gpt_bigcode' ? { num_key_value_heads: o.num_key_value_heads ?? (o.multi_query === false ? o.n_head : 1) } : {}),
  };
}

/** Validates a parsed `config.json` object. */
export function parseModelConfig(json: unknown): ConfigResult {
  const errors: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { errors: ['config.json: expected a JSON object'] };
  const modelType = (json as Record<string, unknown>).model_type;
  const supported = typeof modelType === 'string' && (SUPPORTED_FAMILIES as readonly string[]).includes(modelType);
  if (!supported) errors.push(`config.json: model_type ${JSON.stringify(modelType)} is not supported (supported: ${SUPPORTED_FAMILIES.join(', ')})`);
  else errors.push(...unknownKeyErrors(modelType as ModelFamily, json as Record<string, unknown>));
  const o = modelType === 'codegen' || modelType === 'gpt_bigcode' ? codegenKeys(json as Record<string, unknown>) : (json as Record<string, unknown>);
  const int = (key: string, fallback?: number, min = 1): number => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      errors.push(`config.json: '${key}' must be an integer ≥ ${min}, got ${JSON.stringify(o[key])}`);
      return min;
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      errors.push(`config.json: '${key}' must be a positive number, got ${JSON.stringify(o[key])}`);
      return fallback;
    }
    return v;
  };
  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  const numKvHeads = int('num_key_value_heads', modelType === 'starcoder2' ? 2 : numHeads);
  const headDim = int('head_dim', Math.floor(hiddenSize / Math.max(1, numHeads)));
  if (o.head_dim === undefined && hiddenSize % numHeads !== 0)
    errors.push(`config.json: hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numHeads}`);
  if (numHeads % numKvHeads !== 0)
    errors.push(`config.json: num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  if (headDim % 2 !== 0) errors.push(`config.json: head dimension ${headDim} must be even (rotary embeddings)`);
  const optId = (key: string): number | undefined => {
    const v = o[key];
    if (Array.isArray(v)) return typeof v[0] === 'number' ? v[0] : undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
  };
  const layerNormFamily = modelType === 'starcoder2' || modelType === 'phi' || modelType === 'codegen' || modelType === 'gpt_bigcode';
  const epsKey = modelType === 'starcoder2' ? 'norm_epsilon' : modelType === 'phi' ? 'layer_norm_eps' : modelType === 'codegen' || modelType === 'gpt_bigcode' ? 'layer_norm_epsilon' : 'rms_norm_eps';
  const maxPositions = int('max_position_embeddings', modelType === 'starcoder2' ? 4096 : modelType === 'qwen2' ? 32768 : modelType === 'mistral' ? 131072 : modelType === 'gpt_bigcode' ? 1024 : 2048);
  const rope = parseRope(o, maxPositions, errors);
  const cfg: ModelConfig = {
    modelType: modelType as ModelFamily,
    hiddenSize,
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: int('intermediate_size'),
    vocabSize: int('vocab_size'),
    ropeTheta: o.rope_theta === undefined && rope.theta !== undefined ? rope.theta : num('rope_theta', 10000),
    rmsNormEps: num(epsKey, layerNormFamily ? 1e-5 : 1e-6),
    maxPositions,
    tieWordEmbeddings: o.tie_word_embeddings === undefined ? modelType === 'starcoder2' || modelType === 'gpt_bigcode' : o.tie_word_embeddings === true,
  };
  if (o.rope_theta !== undefined && rope.theta !== undefined && rope.theta !== cfg.ropeTheta)
    errors.push(`config.json: 'rope_theta' ${cfg.ropeTheta} and 'rope_parameters.rope_theta' ${rope.theta} disagree`);
  if (rope.scaling) cfg.ropeScaling = rope.scaling;
  if (modelType === 'starcoder2') starcoder2Fields(o, cfg, errors);
  if (modelType === 'llama' || modelType === 'qwen2' || modelType === 'mistral') llamaFields(o, cfg, errors);
  if (modelType === 'phi' || modelType === 'codegen') gptFields(o, cfg, rope.partialRotaryFactor, errors);
  if (modelType === 'gpt_bigcode') bigcodeFields(o, cfg, errors);
  const bos = optId('bos_token_id');
  const eos = optId('eos_token_id');
  if (bos !== undefined) cfg.bosTokenId = bos;
  if (eos !== undefined) cfg.eosTokenId = eos;
  if (o.tie_word_embeddings !== undefined && typeof o.tie_word_embeddings !== 'boolean')
    errors.push(`config.json: 'tie_word_embeddings' must be a boolean`);
  return errors.length ? { errors } : { value: cfg, errors };
}

function bool(o: Record<string, unknown>, key: string, errors: string[]): boolean {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'boolean') errors.push(`config.json: '${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v === true;
}

/** Llama's `attention_bias`, `mlp_bias`, `hidden_act`; Mistral's `sliding_window`; Qwen2's fixed q/k/v biases and its sliding window switch. */
function llamaFields(o: Record<string, unknown>, cfg: ModelConfig, errors: string[]): void {
  const act = o.hidden_act ?? 'silu';
  if (act !== 'silu') errors.push(`config.json: hidden_act ${JSON.stringify(act)} is not implemented for ${cfg.modelType} (implemented: silu)`);
  if (cfg.modelType === 'llama') {
    const attn = bool(o, 'attention_bias', errors);
    if (attn) cfg.qkvBias = cfg.oBias = true;
    if (bool(o, 'mlp_bias', errors)) cfg.mlpBias = true;
    return;
  }
  if (cfg.modelType === 'mistral') {
    // Mistral is Llama with a sliding attention window; transformers' default is 4096 when the key is absent
    const w = o.sliding_window === undefined ? 4096 : o.sliding_window;
    if (w !== null && (typeof w !== 'number' || !Number.isInteger(w) || w < 1)) errors.push(`config.json: 'sliding_window' must be an integer ≥ 1 or null, got ${JSON.stringify(w)}`);
    else if (typeof w === 'number') cfg.slidingWindow = w;
    return;
  }
  cfg.qkvBias = true; // Qwen2: q/k/v always carry biases, o_proj never
  if (bool(o, 'use_sliding_window', errors)) errors.push(`config.json: 'use_sliding_window' true is not implemented for qwen2 (sliding attention on some layers)`);
  const types = o.layer_types;
  if (types !== undefined && types !== null && (!Array.isArray(types) || types.some((t) => t !== 'full_attention')))
    errors.push(`config.json: 'layer_types' other than full_attention is not implemented for qwen2, got ${JSON.stringify(types)}`);
}

/** GPTBigCode (StarCoder 1, SantaCoder): learned positions, multi-query attention, scaled scores, GELU. */
function bigcodeFields(o: Record<string, unknown>, cfg: ModelConfig, errors: string[]): void {
  const act = o.activation_function ?? 'gelu_pytorch_tanh';
  if (!(HIDDEN_ACTS as readonly unknown[]).includes(act))
    errors.push(`config.json: activation ${JSON.stringify(act)} is not implemented for gpt_bigcode (implemented: ${HIDDEN_ACTS.join(', ')})`);
  cfg.hiddenAct = act as HiddenAct;
  if (o.multi_query === false) errors.push(`config.json: 'multi_query' false (per-head fused c_attn) is not implemented for gpt_bigcode`);
  if (cfg.numKvHeads !== 1) errors.push(`config.json: gpt_bigcode with multi_query needs num_key_value_heads 1, got ${cfg.numKvHeads}`);
  if (o.scale_attn_weights === false) errors.push(`config.json: 'scale_attn_weights' false is not implemented for gpt_bigcode`);
  cfg.learnedPositions = true;
}

/** Phi's `partial_rotary_factor` and `qk_layernorm`; CodeGen's `rotary_dim` (interleaved); the GELU of both. */
function gptFields(o: Record<string, unknown>, cfg: ModelConfig, ropePartial: number | undefined, errors: string[]): void {
  const act = (cfg.modelType === 'codegen' ? o.activation_function : o.hidden_act) ?? 'gelu_new';
  if (!(HIDDEN_ACTS as readonly unknown[]).includes(act))
    errors.push(`config.json: activation ${JSON.stringify(act)} is not implemented for ${cfg.modelType} (implemented: ${HIDDEN_ACTS.join(', ')})`);
  cfg.hiddenAct = act as HiddenAct;
  let rd: number | undefined;
  if (cfg.modelType === 'phi') {
    if (bool(o, 'qk_layernorm', errors)) errors.push(`config.json: 'qk_layernorm' true is not implemented for phi`);
    const factor = o.partial_rotary_factor ?? ropePartial ?? 0.5;
    if (typeof factor !== 'number' || !(factor > 0 && factor <= 1)) errors.push(`config.json: 'partial_rotary_factor' must be in (0, 1], got ${JSON.stringify(factor)}`);
    else rd = Math.floor(cfg.headDim * factor);
  } else {
    // transformers' CodeGen hard-codes base 10000 and reads no rope settings: keys that would change them are refused
    if (cfg.ropeScaling || cfg.ropeTheta !== 10000) errors.push(`config.json: codegen takes no rope settings (transformers uses base 10000, no scaling); got rope_theta ${cfg.ropeTheta}${cfg.ropeScaling ? ` and ${cfg.ropeScaling.type} scaling` : ''}`);
    cfg.ropeInterleaved = true;
    const v = o.rotary_dim;
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 2)) errors.push(`config.json: 'rotary_dim' must be an integer ≥ 2 or null, got ${JSON.stringify(v)}`);
    else rd = typeof v === 'number' ? v : cfg.headDim;
    if (cfg.numHeads % 4 !== 0) errors.push(`config.json: codegen's fused qkv_proj needs n_head divisible by 4 (mp_num), got ${cfg.numHeads}`);
  }
  if (rd !== undefined) {
    if (rd % 2 !== 0 || rd > cfg.headDim) errors.push(`config.json: rotary dimension ${rd} must be even and ≤ the head dimension ${cfg.headDim}`);
    if (rd !== cfg.headDim) cfg.rotaryDim = rd;
  }
}

/** StarCoder2's own keys: `use_bias`, `hidden_act`, `sliding_window` (HF defaults: true, gelu_pytorch_tanh, none). */
function starcoder2Fields(o: Record<string, unknown>, cfg: ModelConfig, errors: string[]): void {
  if (o.use_bias !== undefined && typeof o.use_bias !== 'boolean') errors.push(`config.json: 'use_bias' must be a boolean`);
  cfg.useBias = o.use_bias !== false;
  const act = o.hidden_act ?? 'gelu_pytorch_tanh';
  if (!(HIDDEN_ACTS as readonly unknown[]).includes(act))
    errors.push(`config.json: hidden_act ${JSON.stringify(act)} is not supported for starcoder2 (supported: ${HIDDEN_ACTS.join(', ')})`);
  cfg.hiddenAct = act as HiddenAct;
  const w = o.sliding_window;
  if (w !== undefined && w !== null) {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1) errors.push(`config.json: 'sliding_window' must be an integer ≥ 1 or null, got ${JSON.stringify(w)}`);
    else cfg.slidingWindow = w;
  }
}

/** The Hugging Face `config.json` object for a config. */
export function toHfConfig(cfg: ModelConfig): Record<string, unknown> {
  if (cfg.modelType === 'starcoder2') return toHfStarcoder2(cfg);
  if (cfg.modelType === 'phi' || cfg.modelType === 'codegen' || cfg.modelType === 'gpt_bigcode') return toHfGpt(cfg);
  const qwen = cfg.modelType === 'qwen2';
  const mistral = cfg.modelType === 'mistral';
  return {
    architectures: [qwen ? 'Qwen2ForCausalLM' : mistral ? 'MistralForCausalLM' : 'LlamaForCausalLM'],
    model_type: cfg.modelType,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numLayers,
    num_attention_heads: cfg.numHeads,
    num_key_value_heads: cfg.numKvHeads,
    head_dim: cfg.headDim,
    intermediate_size: cfg.intermediateSize,
    vocab_size: cfg.vocabSize,
    rope_theta: cfg.ropeTheta,
    ...ropeScalingJson(cfg),
    rms_norm_eps: cfg.rmsNormEps,
    max_position_embeddings: cfg.maxPositions,
    tie_word_embeddings: cfg.tieWordEmbeddings,
    hidden_act: 'silu',
    ...(qwen || mistral ? {} : { attention_bias: cfg.qkvBias === true, mlp_bias: cfg.mlpBias === true }),
    ...(mistral ? { sliding_window: cfg.slidingWindow ?? null } : {}),
    torch_dtype: 'float32',
    ...(cfg.bosTokenId !== undefined ? { bos_token_id: cfg.bosTokenId } : {}),
    ...(cfg.eosTokenId !== undefined ? { eos_token_id: cfg.eosTokenId } : {}),
  };
}

function ropeScalingJson(cfg: ModelConfig): Record<string, unknown> {
  const s = cfg.ropeScaling;
  if (!s) return {};
  const out: Record<string, unknown> = { rope_type: s.type, factor: s.factor };
  const keys: [keyof RopeScaling, string][] = [
    ['originalMaxPositions', 'original_max_position_embeddings'], ['lowFreqFactor', 'low_freq_factor'], ['highFreqFactor', 'high_freq_factor'],
    ['betaFast', 'beta_fast'], ['betaSlow', 'beta_slow'], ['attentionFactor', 'attention_factor'], ['mscale', 'mscale'],
    ['mscaleAllDim', 'mscale_all_dim'], ['truncate', 'truncate'],
  ];
  for (const [k, hf] of keys) if (s[k] !== undefined) out[hf] = s[k];
  return { rope_scaling: out };
}

function toHfGpt(cfg: ModelConfig): Record<string, unknown> {
  const ids = {
    ...(cfg.bosTokenId !== undefined ? { bos_token_id: cfg.bosTokenId } : {}),
    ...(cfg.eosTokenId !== undefined ? { eos_token_id: cfg.eosTokenId } : {}),
  };
  if (cfg.modelType === 'gpt_bigcode')
    return {
      architectures: ['GPTBigCodeForCausalLM'], model_type: 'gpt_bigcode', n_embd: cfg.hiddenSize, n_layer: cfg.numLayers, n_head: cfg.numHeads,
      n_inner: cfg.intermediateSize, n_positions: cfg.maxPositions, vocab_size: cfg.vocabSize, multi_query: true, num_key_value_heads: 1,
      layer_norm_epsilon: cfg.rmsNormEps, activation_function: cfg.hiddenAct ?? 'gelu_pytorch_tanh', scale_attn_weights: true,
      tie_word_embeddings: cfg.tieWordEmbeddings, torch_dtype: 'float32', ...ids,
    };
  if (cfg.modelType === 'codegen')
    return {
      architectures: ['CodeGenForCausalLM'], model_type: 'codegen', n_embd: cfg.hiddenSize, n_layer: cfg.numLayers, n_head: cfg.numHeads,
      n_inner: cfg.intermediateSize, n_positions: cfg.maxPositions, n_ctx: cfg.maxPositions, vocab_size: cfg.vocabSize,
      rotary_dim: cfg.rotaryDim ?? cfg.headDim, layer_norm_epsilon: cfg.rmsNormEps, activation_function: cfg.hiddenAct ?? 'gelu_new',
      tie_word_embeddings: cfg.tieWordEmbeddings, torch_dtype: 'float32', ...ids,
    };
  return {
    architectures: ['PhiForCausalLM'], model_type: 'phi', hidden_size: cfg.hiddenSize, num_hidden_layers: cfg.numLayers,
    num_attention_heads: cfg.numHeads, num_key_value_heads: cfg.numKvHeads, intermediate_size: cfg.intermediateSize,
    vocab_size: cfg.vocabSize, rope_theta: cfg.ropeTheta, ...ropeScalingJson(cfg), partial_rotary_factor: (cfg.rotaryDim ?? cfg.headDim) / cfg.headDim,
    layer_norm_eps: cfg.rmsNormEps, max_position_embeddings: cfg.maxPositions, hidden_act: cfg.hiddenAct ?? 'gelu_new',
    qk_layernorm: false, tie_word_embeddings: cfg.tieWordEmbeddings, torch_dtype: 'float32', ...ids,
  };
}

function toHfStarcoder2(cfg: ModelConfig): Record<string, unknown> {
  return {
    architectures: ['Starcoder2ForCausalLM'],
    model_type: 'starcoder2',
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numLayers,
    num_attention_heads: cfg.numHeads,
    num_key_value_heads: cfg.numKvHeads,
    head_dim: cfg.headDim,
    intermediate_size: cfg.intermediateSize,
    vocab_size: cfg.vocabSize,
    rope_theta: cfg.ropeTheta,
    norm_epsilon: cfg.rmsNormEps,
    max_position_embeddings: cfg.maxPositions,
    tie_word_embeddings: cfg.tieWordEmbeddings,
    use_bias: cfg.useBias !== false,
    hidden_act: cfg.hiddenAct ?? 'gelu_pytorch_tanh',
    sliding_window: cfg.slidingWindow ?? null,
    torch_dtype: 'float32',
    ...(cfg.bosTokenId !== undefined ? { bos_token_id: cfg.bosTokenId } : {}),
    ...(cfg.eosTokenId !== undefined ? { eos_token_id: cfg.eosTokenId } : {}),
  };
}

/** Number of parameters of the base model. */
export function parameterCount(cfg: ModelConfig): number {
  const h = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  const ff = cfg.intermediateSize;
  const embed = cfg.vocabSize * h * (cfg.tieWordEmbeddings ? 1 : 2);
  const attn = h * q + 2 * h * kv + q * h;
  if (cfg.modelType === 'starcoder2') {
    // two LayerNorms (weight + bias), q/k/v/o, c_fc, c_proj; biases when use_bias
    const bias = cfg.useBias === false ? 0 : q + 2 * kv + h + ff + h;
    return embed + 2 * h + cfg.numLayers * (4 * h + attn + 2 * h * ff + bias);
  }
  if (cfg.modelType === 'phi')
    // one LayerNorm, q/k/v/dense with biases, fc1/fc2 with biases; final LayerNorm; lm_head bias
    return embed + 2 * h + cfg.vocabSize + cfg.numLayers * (2 * h + attn + q + 2 * kv + h + 2 * h * ff + ff + h);
  if (cfg.modelType === 'gpt_bigcode')
    // position table, two LayerNorms, c_attn [E + 2D] and three more projections, all with biases; ln_f
    return embed + cfg.maxPositions * h + 2 * h + cfg.numLayers * (4 * h + h * (h + 2 * cfg.headDim) + h + 2 * cfg.headDim + h * h + h + 2 * h * ff + ff + h);
  if (cfg.modelType === 'codegen')
    // one LayerNorm, fused qkv + out_proj without biases, fc_in/fc_out with biases; ln_f; lm_head bias
    return embed + 2 * h + cfg.vocabSize + cfg.numLayers * (2 * h + attn + 2 * h * ff + ff + h);
  const bias = (cfg.qkvBias ? q + 2 * kv : 0) + (cfg.oBias ? h : 0) + (cfg.mlpBias ? 2 * ff + h : 0);
  return embed + h + cfg.numLayers * (2 * h + attn + 3 * h * ff + bias);
}
