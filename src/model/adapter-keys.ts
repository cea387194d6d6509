// `adapter_config.json` settings that change what a PEFT adapter computes and that TestTune does not
// implement: refused by name (like config-keys.ts for models) instead of loading an adapter that would
// give other logits than PEFT. Settings that leave extra or missing tensors (bias, modules_to_save,
// layers_to_transform, trainable_token_indices) are also caught by the tensor check in adapters.ts.
type Json = Record<string, unknown>;

const set = (v: unknown): boolean => v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** Reasons `raw` (an adapter_config.json) cannot be loaded faithfully; empty when it can. */
export function unsupportedAdapterSettings(raw: Json): string[] {
  const out: string[] = [];
  const refuse = (key: string, why: string) => out.push(`${key} ${JSON.stringify(raw[key])} is not supported (${why})`);
  if (raw.fan_in_fan_out === true) refuse('fan_in_fan_out', 'the base layers here are nn.Linear');
  if (raw.bias !== undefined && raw.bias !== null && raw.bias !== 'none') refuse('bias', 'trained biases of the base layers');
  if (raw.lora_bias === true) refuse('lora_bias', 'a bias on lora_B');
  if (set(raw.layer_replication)) refuse('layer_replication', 'it changes the layer stack');
  if (set(raw.alora_invocation_tokens)) refuse('alora_invocation_tokens', 'activated LoRA applies only after its invocation tokens');
  if (set(raw.use_bdlora)) refuse('use_bdlora', 'block-diagonal LoRA');
  if (raw.use_qalora === true) refuse('use_qalora', 'quantization-aware LoRA');
  if (set(raw.layers_to_transform)) refuse('layers_to_transform', 'adapters on some layers only');
  if (set(raw.modules_to_save)) refuse('modules_to_save', 'fully trained copies of base modules');
  if (set(raw.trainable_token_indices)) refuse('trainable_token_indices', 'trained embedding rows');
  if (set(raw.target_parameters)) refuse('target_parameters', 'LoRA on raw parameters');
  return out;
}
