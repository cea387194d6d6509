// Model configuration: the Hugging Face `config.json` fields TestTune reads, validated into a typed
// `ModelConfig`. Parsing never throws: `parseModelConfig` returns `{ value?, errors }`. Two families:
// `llama` and `starcoder2` (LayerNorm, GELU MLP, biases); family-only fields are absent for the other.

export type ModelFamily = 'llama' | 'starcoder2';

/** Activations of the StarCoder2 MLP (Hugging Face ACT2FN names). */
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
  rmsNormEps: number; // the norm's epsilon: `rms_norm_eps` (llama) or `norm_epsilon` (starcoder2, LayerNorm)
  maxPositions: number;
  tieWordEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenId?: number;
  useBias?: boolean; // starcoder2: biases on q/k/v/o_proj, c_fc, c_proj (`use_bias`)
  hiddenAct?: HiddenAct; // starcoder2: the MLP activation (`hidden_act`)
  slidingWindow?: number; // starcoder2: keys older than this many positions are masked (`sliding_window`)
}

export const SUPPORTED_FAMILIES: readonly ModelFamily[] = ['llama', 'starcoder2'];

export interface ConfigResult {
  value?: ModelConfig;
  errors: string[];
}

/** Validates a parsed `config.json` object. */
export function parseModelConfig(json: unknown): ConfigResult {
  const errors: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { errors: ['config.json: expected a JSON object'] };
  const o = json as Record<string, unknown>;
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
  const modelType = o.model_type;
  if (typeof modelType !== 'string' || !(SUPPORTED_FAMILIES as readonly string[]).includes(modelType))
    errors.push(`config.json: model_type ${JSON.stringify(modelType)} is not supported (supported: ${SUPPORTED_FAMILIES.join(', ')})`);
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
  const sc2 = modelType === 'starcoder2';
  const ropeParams = o.rope_parameters as Record<string, unknown> | undefined;
  const cfg: ModelConfig = {
    modelType: modelType as ModelFamily,
    hiddenSize,
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: int('intermediate_size'),
    vocabSize: int('vocab_size'),
    ropeTheta: sc2 && o.rope_theta === undefined && typeof ropeParams?.rope_theta === 'number' ? ropeParams.rope_theta : num('rope_theta', 10000),
    rmsNormEps: sc2 ? num('norm_epsilon', 1e-5) : num('rms_norm_eps', 1e-6),
    maxPositions: int('max_position_embeddings', sc2 ? 4096 : 2048),
    tieWordEmbeddings: o.tie_word_embeddings === undefined ? sc2 : o.tie_word_embeddings === true,
  };
  if (sc2) starcoder2Fields(o, cfg, errors);
  const bos = optId('bos_token_id');
  const eos = optId('eos_token_id');
  if (bos !== undefined) cfg.bosTokenId = bos;
  if (eos !== undefined) cfg.eosTokenId = eos;
  if (o.tie_word_embeddings !== undefined && typeof o.tie_word_embeddings !== 'boolean')
    errors.push(`config.json: 'tie_word_embeddings' must be a boolean`);
  return errors.length ? { errors } : { value: cfg, errors };
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
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: cfg.modelType,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numLayers,
    num_attention_heads: cfg.numHeads,
    num_key_value_heads: cfg.numKvHeads,
    head_dim: cfg.headDim,
    intermediate_size: cfg.intermediateSize,
    vocab_size: cfg.vocabSize,
    rope_theta: cfg.ropeTheta,
    rms_norm_eps: cfg.rmsNormEps,
    max_position_embeddings: cfg.maxPositions,
    tie_word_embeddings: cfg.tieWordEmbeddings,
    hidden_act: 'silu',
    torch_dtype: 'float32',
    ...(cfg.bosTokenId !== undefined ? { bos_token_id: cfg.bosTokenId } : {}),
    ...(cfg.eosTokenId !== undefined ? { eos_token_id: cfg.eosTokenId } : {}),
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
  if (cfg.modelType === 'starcoder2') {
    // two LayerNorms (weight + bias), q/k/v/o, c_fc, c_proj; biases when use_bias
    const ff = cfg.intermediateSize;
    const bias = cfg.useBias === false ? 0 : q + 2 * kv + h + ff + h;
    const layer = 4 * h + h * q + 2 * h * kv + q * h + 2 * h * ff + bias;
    return cfg.vocabSize * h * (cfg.tieWordEmbeddings ? 1 : 2) + 2 * h + cfg.numLayers * layer;
  }
  const layer = 2 * h + h * q + 2 * h * kv + q * h + 3 * h * cfg.intermediateSize;
  return cfg.vocabSize * h * (cfg.tieWordEmbeddings ? 1 : 2) + h + cfg.numLayers * layer;
}
