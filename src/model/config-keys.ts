// Which `config.json` keys TestTune understands, per family, and the RoPE settings (`rope_scaling` /
// `rope_parameters`). A key that could change the model's math and that TestTune does not implement is
// refused with an error that names it: computing something else than the checkpoint's authors did,
// silently, is worse than not loading it. Keys that never reach the forward pass (generation defaults,
// dropout rates at inference, bookkeeping) are listed as harmless.

export type ModelFamily = 'llama' | 'mistral' | 'starcoder2' | 'qwen2' | 'phi' | 'codegen' | 'gpt_bigcode';

/** A `rope_scaling` / `rope_parameters` other than the plain rotary embedding (see rope.ts). */
export interface RopeScaling {
  type: 'linear' | 'dynamic' | 'llama3' | 'yarn';
  factor: number;
  originalMaxPositions?: number; // llama3, yarn
  lowFreqFactor?: number; // llama3
  highFreqFactor?: number; // llama3
  betaFast?: number; // yarn (default 32)
  betaSlow?: number; // yarn (default 1)
  attentionFactor?: number; // yarn: cos/sin factor (default from factor, mscale, mscale_all_dim)
  mscale?: number;
  mscaleAllDim?: number;
  truncate?: boolean; // yarn (default true)
}

/** Keys no family's forward pass reads (training dropouts, bookkeeping, generation defaults). */
const HARMLESS = new Set([
  'architectures', 'model_type', 'torch_dtype', 'dtype', 'transformers_version', '_name_or_path', 'name_or_path',
  'initializer_range', 'use_cache', 'pad_token_id', 'bos_token_id', 'eos_token_id', 'sep_token_id',
  'decoder_start_token_id', 'tie_word_embeddings', 'attention_dropout', 'hidden_dropout', 'embedding_dropout',
  'residual_dropout', 'resid_pdrop', 'embd_pdrop', 'attn_pdrop', 'auto_map', 'tokenizer_class', 'id2label',
  'label2id', 'output_attentions', 'output_hidden_states', 'return_dict', 'is_encoder_decoder', 'is_decoder',
  'task_specific_params', 'max_length', 'min_length', 'do_sample', 'temperature', 'top_k', 'top_p',
  'repetition_penalty', 'num_beams', 'gradient_checkpointing', 'use_return_dict', 'torchscript', 'problem_type',
  'finetuning_task', 'prefix', 'chunk_size_feed_forward', 'add_cross_attention', 'tie_encoder_decoder',
  'max_position_embeddings', 'vocab_size', 'summary_type', 'summary_use_proj', 'summary_activation',
  'summary_proj_to_labels', 'summary_first_dropout', 'model_max_length', 'pretraining_tp',
  'rope_theta', 'rope_scaling', 'rope_parameters', 'head_dim',
]);

/** Keys each family implements (read by config.ts; their values are checked there). */
const IMPLEMENTED: Record<ModelFamily, string[]> = {
  llama: ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'rms_norm_eps', 'hidden_act', 'attention_bias', 'mlp_bias'],
  mistral: ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'rms_norm_eps', 'hidden_act', 'sliding_window'],
  qwen2: ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'rms_norm_eps', 'hidden_act', 'use_sliding_window', 'sliding_window', 'max_window_layers', 'layer_types'],
  starcoder2: ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'norm_epsilon', 'hidden_act', 'use_bias', 'sliding_window'],
  phi: ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'intermediate_size', 'layer_norm_eps', 'hidden_act', 'partial_rotary_factor', 'qk_layernorm'],
  gpt_bigcode: ['n_embd', 'n_layer', 'n_head', 'n_inner', 'n_positions', 'layer_norm_epsilon', 'activation_function', 'multi_query', 'num_key_value_heads', 'scale_attn_weights', 'attention_softmax_in_fp32', 'scale_attention_softmax_in_fp32'],
  codegen: ['n_embd', 'n_layer', 'n_head', 'n_inner', 'n_positions', 'n_ctx', 'layer_norm_epsilon', 'activation_function', 'rotary_dim'],
};

/** Errors for keys of `o` that the family does not implement. */
export function unknownKeyErrors(familyName: ModelFamily, o: Record<string, unknown>): string[] {
  const known = new Set(IMPLEMENTED[familyName]);
  const unknown = Object.keys(o).filter((k) => !HARMLESS.has(k) && !known.has(k));
  return unknown.map(
    (k) => `config.json: key '${k}' (${JSON.stringify(o[k])}) is not implemented for ${familyName} and may change the model's math; TestTune refuses the model rather than compute something else`,
  );
}

const ROPE_TYPES = ['default', 'linear', 'dynamic', 'llama3', 'yarn'] as const;
const ROPE_KEYS = new Set([
  'rope_type', 'type', 'rope_theta', 'factor', 'original_max_position_embeddings', 'low_freq_factor', 'high_freq_factor',
  'beta_fast', 'beta_slow', 'attention_factor', 'mscale', 'mscale_all_dim', 'truncate', 'partial_rotary_factor',
]);

export interface RopeSettings {
  theta?: number; // rope_parameters.rope_theta
  partialRotaryFactor?: number; // rope_parameters.partial_rotary_factor (phi in transformers 5)
  scaling?: RopeScaling; // absent: plain RoPE
}

/**
 * Reads `rope_scaling` (transformers 4) or `rope_parameters` (transformers 5). Unknown types (e.g.
 * longrope) and unknown keys are errors that name them; missing required values too.
 */
export function parseRope(o: Record<string, unknown>, maxPositions: number, errors: string[]): RopeSettings {
  const out: RopeSettings = {};
  for (const key of ['rope_scaling', 'rope_parameters'] as const) {
    const raw = o[key];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push(`config.json: '${key}' must be an object or null, got ${JSON.stringify(raw)}`);
      continue;
    }
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!ROPE_KEYS.has(k)) errors.push(`config.json: '${key}.${k}' is not implemented and may change the model's math; TestTune refuses the model`);
    const num = (k: string): number | undefined => {
      const v = r[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        errors.push(`config.json: '${key}.${k}' must be a positive number, got ${JSON.stringify(v)}`);
        return undefined;
      }
      return v;
    };
    if (num('rope_theta') !== undefined) out.theta = num('rope_theta');
    if (num('partial_rotary_factor') !== undefined) out.partialRotaryFactor = num('partial_rotary_factor');
    const type = r.rope_type ?? r.type ?? 'default';
    if (!(ROPE_TYPES as readonly unknown[]).includes(type)) {
      errors.push(`config.json: '${key}' rope type ${JSON.stringify(type)} is not implemented (implemented: ${ROPE_TYPES.join(', ')})`);
      continue;
    }
    if (type === 'default') continue;
    const orig = num('original_max_position_embeddings');
    let factor = num('factor');
    if (factor === undefined && type === 'yarn' && orig !== undefined) factor = maxPositions / orig; // transformers' yarn fallback
    if (factor === undefined) {
      errors.push(`config.json: '${key}' of type ${type} needs 'factor'`);
      continue;
    }
    const s: RopeScaling = { type: type as RopeScaling['type'], factor };
    if (type === 'llama3') {
      s.lowFreqFactor = num('low_freq_factor');
      s.highFreqFactor = num('high_freq_factor');
      s.originalMaxPositions = orig;
      for (const [k, v] of [['low_freq_factor', s.lowFreqFactor], ['high_freq_factor', s.highFreqFactor], ['original_max_position_embeddings', orig]] as const)
        if (v === undefined) errors.push(`config.json: '${key}' of type llama3 needs '${k}'`);
    }
    if (type === 'yarn') {
      s.originalMaxPositions = orig ?? maxPositions;
      s.betaFast = num('beta_fast');
      s.betaSlow = num('beta_slow');
      s.attentionFactor = num('attention_factor');
      s.mscale = num('mscale');
      s.mscaleAllDim = num('mscale_all_dim');
      if (r.truncate !== undefined) s.truncate = r.truncate !== false;
    }
    out.scaling = s;
  }
  return out;
}
