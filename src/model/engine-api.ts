// The model engine's public surface: what the sidecar's worker, the CLI and evaluation call.
// Implemented in ./engine.ts (loadEngine). Plain data only, so it crosses worker/JSON boundaries.

export type ProviderPreference = 'auto' | 'cuda' | 'webgpu' | 'cpu';
export const PROVIDER_VALUES: readonly ProviderPreference[] = ['auto', 'cuda', 'webgpu', 'cpu'];
/**
 * Base-weight precision of the inference graph: f32; int8 per output row (DynamicQuantizeMatMul); int4
 * weight-only in blocks (MatMulNBits, 16-bit embedding tables kept in 16 bits: memory below the
 * checkpoint's size on disk).
 */
export type Quantize = 'none' | 'int8' | 'int4';
export const QUANTIZE_VALUES: readonly Quantize[] = ['none', 'int8', 'int4'];
export type PeftType = 'LORA' | 'IA3' | 'PROMPT_TUNING';

export interface AdapterInfo {
  name: string; // directory name, unique per engine
  dir: string;
  peftType: PeftType;
  trainableParams: number;
  createdAt?: string; // ISO date from training_report.json or the file's mtime
  score?: Record<string, number>; // evaluation figures, when an eval report sits beside the adapter
}

export interface GenerateOptions {
  maxNewTokens: number;
  adapter?: string | null; // adapter name (already loaded) or null/undefined for the current selection
  temperature?: number; // 0 or undefined = greedy (the study's decoding)
  topP?: number;
  seed?: number;
  // The decoding options below are honoured by the engine's decoding factory (EngineOptions.decoding;
  // TestTune's is src/generation/decoding.ts); an engine without one refuses them.
  /** Penalty > 1 on tokens already generated (decoding/repetition-penalty.ts); 1 or undefined = off (the study's plain greedy). */
  repetitionPenalty?: number;
  /** Loop guard (decoding/loop-guard.ts): refuse a token that completes this many back-to-back copies of one unit; 0 or undefined = off. */
  loopGuard?: number;
  /** Syntax guard (src/java/decoding/): refuse tokens that break the body's bracket discipline, wrap up near the limit; false or undefined = off. */
  syntaxGuard?: boolean;
  /** Focal-call rule (src/java/decoding/focal-call.ts): the test method does not close before its body calls this name (a Java identifier); undefined = off. */
  requireCall?: string;
  /** Forbidden names (src/java/decoding/forbidden-names.ts): identifiers never written in code, e.g. what javac could not find; undefined or empty = off. */
  forbiddenNames?: string[];
  /** Stop when the braces of the test method balance (the prompt ends after the method's `{`). Default true with the Java factory. */
  stopWhenBalanced?: boolean;
  /**
   * Language data for the factory's symbol constraint, as plain JSON (TestTune's: the symbol scope of
   * src/symbols/scope.ts and the body already written, read by src/java/decoding/symbol-constraint.ts).
   * src/model never reads it; undefined = no constraint.
   */
  symbols?: unknown;
  signal?: AbortSignal; // checked before every decode step
  onText?: (delta: string) => void; // streamed decoded text
}

export type StopReason = 'balanced' | 'max_tokens' | 'eos' | 'cancelled' | 'context_full';

export interface GenerateResult {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  newTokens: number;
  ms: number;
}

export interface EngineStatus {
  modelName: string;
  modelDir: string;
  provider: 'cuda' | 'webgpu' | 'cpu';
  providerNote?: string; // e.g. "auto: CUDA: ... not installed; running on WebGPU"
  adapter: string | null;
  quantize: Quantize;
  parameters: number;
  rssBytes: number;
}

export interface Engine {
  status(): EngineStatus;
  listAdapters(): AdapterInfo[];
  loadAdapter(dir: string): Promise<AdapterInfo>; // validates; a corrupt adapter is a clear error
  selectAdapter(name: string | null): void; // no model reload
  generate(prompt: string, opts: GenerateOptions): Promise<GenerateResult>;
  dispose(): Promise<void>;
}
