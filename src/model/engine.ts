// The model engine: loads `models/<name>/` (config.json, model.safetensors, tokenizer.json,
// adapters/*) and runs two KV-cached inference graphs, each built (or read from the graph cache) on
// first use: 'bare' without adapter slots for the base model (the unused slots cost ~18% of decode
// speed), and 'adapted' carrying the union of adapter slots, which generates with any loaded adapter
// by changing feeds only (no session reload). An adapter that needs slots the adapted graph lacks
// (new LoRA targets) rebuilds that session once; that is the only reload.
import * as fs from 'fs';
import * as path from 'path';
import { resolveProvider, type ModelSession } from '../runtime/ort';
import { loadAdapterDir, type LoadedAdapter } from './adapters';
import { parameterCount, parseModelConfig, type ModelConfig } from './config';
import { decode } from './decode';
import type { DecodingFactory, DecodingPlan } from './decoding/processor';
import type { AdapterInfo, Engine, EngineStatus, GenerateOptions, GenerateResult, ProviderPreference } from './engine-api';
import { family, lmHeadOf, type AdapterSlots, type DecoderGraph } from './family';
import { inferenceGraphNames, KvRunner, matmulLayoutFor, missingSlots, type Quantize } from './inference';
import { openVariantSession } from './variant-session';
import { configRangeErrors, configWeightErrors, readSafetensorsShapes } from './safe-load';
import { MAX_JSON_CONFIG_BYTES, readRegularText } from '../util/safe-read';
import { StreamDecoder } from './stream-decoder';
import { Tokenizer } from './tokenizer';
import type { StTensor } from './safetensors';
import { readWeightTensors, selectTensors, selectWeights, weightFiles } from './weight-files';

export interface EngineOptions {
  provider?: ProviderPreference;
  threads?: number;
  /** Extra adapter slots to build into the adapted graph (default: the family's defaults + adapters found). */
  slots?: AdapterSlots;
  /** Longest context in positions (default: max_position_embeddings). */
  maxContext?: number;
  /** Use and fill the on-disk graph cache (default true). */
  cache?: boolean;
  /** Initializer bytes above which a graph is written with ONNX external data and loaded from files (default 256 MiB: variant-session.ts). */
  externalDataAbove?: number;
  /** 'int8': base weights quantised per output row, activations dynamically (DynamicQuantizeMatMul); 'int4': weight-only blocks (MatMulNBits); default 'none'. */
  quantize?: Quantize;
  /**
   * Build no session yet: the caller loads and selects adapters, then calls build(), so only the
   * variant the selection uses is built (the sidecar's initialize with an adapter).
   */
  defer?: boolean;
  /**
   * Builds each generation's logits processors and stopping criteria from its options (a language's
   * guards and stops live outside src/model: src/generation/decoding.ts). Without one, decoding is
   * plain greedy or sampling that stops at EOS, max tokens or a full context.
   */
  decoding?: DecodingFactory;
}

/** The plan of an engine without a decoding factory; options that need one are a clear error, not ignored. */
function plainDecoding(opts: GenerateOptions): DecodingPlan {
  const asked = [
    opts.repetitionPenalty !== undefined && opts.repetitionPenalty !== 1 && 'repetitionPenalty',
    opts.loopGuard !== undefined && opts.loopGuard >= 2 && 'loopGuard',
    opts.syntaxGuard && 'syntaxGuard',
    opts.stopWhenBalanced && 'stopWhenBalanced',
    opts.requireCall && 'requireCall',
    opts.forbiddenNames?.length && 'forbiddenNames',
    opts.symbols !== undefined && 'symbols',
  ].filter(Boolean);
  if (asked.length) throw new Error(`generate: ${asked.join(', ')} need a decoding factory (loadEngine(dir, { decoding }), e.g. loadJavaEngine); this engine has none`);
  return { processors: [], stoppingCriteria: [] };
}

/** Reads and validates config.json and the weights (every tensor: present, shape, dtype, used; weight-files.ts). */
export function loadModelFiles(modelDir: string): { cfg: ModelConfig; weights: Map<string, Float32Array> } {
  const cfg = readModelConfig(modelDir);
  return { cfg, weights: readModelWeights(modelDir, cfg) };
}

export function readModelConfig(modelDir: string): ModelConfig {
  const cfgPath = path.join(modelDir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(readRegularText(cfgPath, MAX_JSON_CONFIG_BYTES));
  } catch (e) {
    throw new Error(`model ${modelDir}: cannot read config.json (${(e as Error).message})`);
  }
  const parsed = parseModelConfig(json);
  if (!parsed.value) throw new Error(`model ${modelDir}: ${parsed.errors.join('; ')}`);
  const ranges = configRangeErrors(parsed.value, 'config.json');
  if (ranges.length) throw new Error(`model ${modelDir}: ${ranges.join('; ')}`);
  // Before anything is sized by the config (adapters, graphs): its layers and embedding against the
  // weights' headers (the data is read later).
  const shapes = new Map<string, { shape: number[] }>();
  try {
    for (const file of weightFiles(modelDir).files) for (const [name, t] of readSafetensorsShapes(file) ?? []) shapes.set(name, t);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(`model ${modelDir}`) ? msg : `model ${modelDir}: ${msg}`);
  }
  const mismatch = shapes.size ? configWeightErrors(parsed.value, shapes, 'config.json', weightsName(modelDir), weightLayout(parsed.value)) : [];
  if (mismatch.length) throw new Error(`model ${modelDir}: ${mismatch.join('; ')}`);
  return parsed.value;
}

export function readModelWeights(modelDir: string, cfg: ModelConfig): Map<string, Float32Array> {
  const tensors = readWeightTensors(modelDir);
  const mismatch = configWeightErrors(cfg, tensors, 'config.json', weightsName(modelDir), weightLayout(cfg));
  if (mismatch.length) throw new Error(`model ${modelDir}: ${mismatch.join('; ')}`);
  return selectWeights(modelDir, tensors, family(cfg).weightSpecs(cfg), cfg.tieWordEmbeddings ? lmHeadOf(cfg) : undefined);
}

/** The same checks as readModelWeights, the tensors kept as stored and read from the files only when used (16-bit ones widened only where the graph needs F32). */
export function readModelTensors(modelDir: string, cfg: ModelConfig): Map<string, StTensor> {
  const tensors = readWeightTensors(modelDir, true); // headers now, each tensor's data when the graph writes it
  const mismatch = configWeightErrors(cfg, tensors, 'config.json', weightsName(modelDir), weightLayout(cfg));
  if (mismatch.length) throw new Error(`model ${modelDir}: ${mismatch.join('; ')}`);
  return selectTensors(modelDir, tensors, family(cfg).weightSpecs(cfg), cfg.tieWordEmbeddings ? lmHeadOf(cfg) : undefined);
}

/** Where a family keeps its layers and embedding (for the config-against-weights checks of safe-load.ts). */
function weightLayout(cfg: ModelConfig): { layerPrefix: (i: number) => string; embed: string } {
  return { layerPrefix: family(cfg).layerPrefix, embed: lmHeadOf(cfg).embed };
}

/** The weight files' names for messages: model.safetensors, or the shards. */
function weightsName(modelDir: string): string {
  try {
    return weightFiles(modelDir).files.map((f) => path.basename(f)).join(', ');
  } catch {
    return 'the weights';
  }
}

function mergeSlots(a: AdapterSlots, b: AdapterSlots): AdapterSlots {
  const uniq = (x: string[] = [], y: string[] = []) => [...new Set([...x, ...y])];
  const out: AdapterSlots = { prompt: a.prompt || b.prompt };
  if (a.lora || b.lora) out.lora = { targets: uniq(a.lora?.targets, b.lora?.targets) };
  if (a.ia3 || b.ia3) out.ia3 = { targets: uniq(a.ia3?.targets, b.ia3?.targets), feedforward: uniq(a.ia3?.feedforward, b.ia3?.feedforward) };
  return out;
}

function covers(have: AdapterSlots, need: AdapterSlots): boolean {
  const sub = (x: string[] = [], y: string[] = []) => x.every((s) => y.includes(s));
  return (
    (!need.prompt || !!have.prompt) &&
    sub(need.lora?.targets, have.lora?.targets) &&
    sub(need.ia3?.targets, have.ia3?.targets) &&
    // a module is feedforward in both or in neither
    (need.ia3?.targets ?? []).every((t) => need.ia3!.feedforward.includes(t) === (have.ia3?.feedforward ?? []).includes(t))
  );
}

type VariantKind = 'bare' | 'adapted';
interface Variant {
  session: ModelSession;
  graph: DecoderGraph;
  runner: KvRunner;
}

export class ModelEngine implements Engine {
  /** Adapters under <modelDir>/adapters that failed validation (skipped). */
  readonly adapterErrors: string[] = [];
  private readonly adapters = new Map<string, LoadedAdapter>();
  private selected: string | null = null;
  /** The two graph variants, built on first use; the adapted one carries `slots`. */
  private readonly variants: { bare?: Variant; adapted?: Variant } = {};
  private slots: AdapterSlots;
  private busy: Promise<unknown> = Promise.resolve();
  /** Graph-cache writes in flight (awaited on dispose). */
  private writes: Promise<unknown> = Promise.resolve();
  /** Set when a GPU session failed mid-generation: later sessions run on CPU, and status says why. */
  private gpuFailure: string | undefined;

  constructor(
    readonly dir: string,
    readonly cfg: ModelConfig,
    readonly tokenizer: Tokenizer,
    private readonly opts: EngineOptions,
  ) {
    const d = family(cfg).defaultTargets;
    this.slots = mergeSlots(opts.slots ?? {}, { lora: { targets: d.lora }, ia3: { targets: d.ia3, feedforward: d.ia3Feedforward }, prompt: true });
  }

  /** Builds (or loads from the graph cache) the session of the variant the current selection uses. */
  async build(): Promise<void> {
    const kind = this.selected === null ? 'bare' : 'adapted';
    await this.exclusive(() => this.variant(kind));
  }

  /** The variant's runner, built now when it is not yet. */
  private async variant(kind: VariantKind): Promise<Variant> {
    return this.variants[kind] ?? (await this.buildVariant(kind));
  }

  private async buildVariant(kind: VariantKind): Promise<Variant> {
    const quantize = this.opts.quantize ?? 'none';
    // The provider is resolved (cheap checks, cached) before the graph is built: WebGPU gets standard
    // MatMul nodes (it has no FusedMatMul kernel); createSession resolves the same way and reports what
    // it skipped. Quantised graphs (DynamicQuantizeMatMul, MatMulNBits) run on the CPU provider here, never WebGPU.
    const wanted = this.gpuFailure ? 'cpu' : this.opts.provider ?? 'auto';
    const resolved = (await resolveProvider(wanted)).provider;
    const provider = quantize !== 'none' && resolved === 'webgpu' ? 'cpu' : wanted;
    const layout = quantize === 'none' ? matmulLayoutFor(resolved) : 'fused';
    const slots = kind === 'bare' ? {} : this.slots;
    const built = await openVariantSession({
      dir: this.dir,
      cfg: this.cfg,
      slots,
      bare: kind === 'bare',
      quantize,
      layout,
      session: { provider, threads: this.opts.threads },
      cache: this.opts.cache !== false,
      externalAbove: this.opts.externalDataAbove,
      weights: () => readModelTensors(this.dir, this.cfg),
    });
    const { session, graph } = built;
    if (built.write) {
      const write = built.write;
      this.writes = this.writes.then(() => write);
    }
    const old = this.variants[kind];
    const v: Variant = { session, graph, runner: new KvRunner(session, this.cfg, graph, Math.min(this.opts.maxContext ?? this.cfg.maxPositions, this.cfg.maxPositions)) };
    this.variants[kind] = v;
    if (old) await old.session.release();
    return v;
  }

  /** Whichever session exists (for status): the selection's variant first; none before the first build. */
  private anySession(): ModelSession | undefined {
    const v = this.selected === null ? this.variants.bare ?? this.variants.adapted : this.variants.adapted ?? this.variants.bare;
    return v?.session;
  }

  status(): EngineStatus {
    return {
      modelName: path.basename(path.resolve(this.dir)),
      modelDir: path.resolve(this.dir),
      provider: this.anySession()?.provider ?? 'cpu',
      providerNote: this.gpuFailure ?? (this.anySession() ? this.anySession()!.note : 'no session yet: the graph is built on first use'),
      adapter: this.selected,
      quantize: this.opts.quantize ?? 'none',
      parameters: parameterCount(this.cfg),
      rssBytes: process.memoryUsage().rss,
    };
  }

  listAdapters(): AdapterInfo[] {
    return [...this.adapters.values()].map((a) => a.info);
  }

  async loadAdapter(dir: string): Promise<AdapterInfo> {
    const known = family(this.cfg).modules(this.cfg).map((m) => m.short);
    const a = loadAdapterDir(dir, this.cfg, known);
    if (!covers(this.slots, a.slots)) {
      this.slots = mergeSlots(this.slots, a.slots);
      if (this.variants.adapted) await this.exclusive(() => this.buildVariant('adapted'));
    }
    const missing = missingSlots(this.variants.adapted?.graph ?? inferenceGraphNames(this.cfg, this.slots), a.spec.weights);
    if (missing.length) throw new Error(`adapter ${dir}: the graph lacks inputs ${missing.slice(0, 3).join(', ')}`);
    this.adapters.set(a.info.name, a);
    return a.info;
  }

  selectAdapter(name: string | null): void {
    if (name !== null && !this.adapters.has(name)) throw new Error(`no adapter named '${name}' is loaded (loaded: ${[...this.adapters.keys()].join(', ') || 'none'})`);
    this.selected = name;
    // Start building the adapted graph now (in the engine's queue), so the next generate finds it ready.
    if (name !== null && !this.variants.adapted && this.variants.bare) void this.exclusive(() => this.variant('adapted')).catch(() => undefined);
  }

  /** Token ids of a prompt as the engine feeds them. */
  encode(prompt: string): number[] {
    return this.tokenizer.encode(prompt);
  }

  generate(prompt: string, opts: GenerateOptions): Promise<GenerateResult> {
    return this.exclusive(async () => {
      const plan = this.opts.decoding ? this.opts.decoding(opts, { tokenText: this.tokenText, eosId: this.eosId() }) : plainDecoding(opts);
      const name = opts.adapter === undefined ? this.selected : opts.adapter;
      if (name !== null && !this.adapters.has(name)) throw new Error(`no adapter named '${name}' is loaded`);
      const adapter = name === null ? undefined : this.adapters.get(name)!;
      const { runner } = await this.variant(adapter ? 'adapted' : 'bare'); // built here on first use (not counted in ms)
      const t0 = performance.now();
      runner.setAdapter(adapter?.spec.weights);
      let ids = this.encode(prompt);
      const p = adapter?.spec.weights.prompt?.p ?? 0;
      const keep = Math.max(1, runner.maxLen - p - Math.min(opts.maxNewTokens, Math.floor(runner.maxLen / 2)));
      if (ids.length > keep) ids = ids.slice(ids.length - keep); // keep the end: the focal method's `{`
      if (ids.length === 0) ids = [this.tokenizer.bosId ?? this.eosId()];
      const r = await this.onGpuFailure(runner.session, () => decode(runner, ids, new StreamDecoder(this.tokenizer), {
        maxNewTokens: opts.maxNewTokens,
        eosId: this.eosId(),
        vocabLimit: this.tokenizer.vocabSize,
        temperature: opts.temperature,
        topP: opts.topP,
        seed: opts.seed,
        processors: plan.processors,
        stoppingCriteria: plan.stoppingCriteria,
        signal: opts.signal,
        onText: opts.onText,
      }));
      return { text: r.text, stopReason: r.stopReason, promptTokens: ids.length, newTokens: r.ids.length, ms: performance.now() - t0 };
    });
  }

  /**
   * Runs a generation; when it fails on a GPU session (the device lost, out of memory, a driver error),
   * that request fails with a message saying so, and both graph variants are dropped so the next request
   * builds them on the CPU.
   */
  private async onGpuFailure<T>(session: ModelSession, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (session.provider === 'cpu') throw e;
      const where = session.provider === 'cuda' ? 'CUDA' : 'WebGPU';
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
      this.gpuFailure = `${where} failed during generation (${why}); running on CPU from the next request`;
      for (const kind of ['bare', 'adapted'] as const) {
        const v = this.variants[kind];
        delete this.variants[kind];
        await v?.session.release().catch(() => undefined);
      }
      throw new Error(`generation failed on ${where}: ${why}. The next request runs on the CPU.`);
    }
  }

  private readonly tokenTexts: string[] = [];
  /** A token's bytes as text for the decoding factory's guards: ASCII as is, every other byte as 'x' (never structural); one function per engine. */
  private readonly tokenText = (id: number): string =>
    (this.tokenTexts[id] ??= String.fromCharCode(...Array.from(this.tokenizer.tokenBytes(id), (b) => (b < 0x80 ? b : 0x78))));

  private eosId(): number {
    return this.cfg.eosTokenId ?? this.tokenizer.eosId;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn);
    this.busy = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.busy;
    await this.writes;
    for (const v of [this.variants.bare, this.variants.adapted]) await v?.session.release();
  }
}

/** Loads a model directory; adapters under `<modelDir>/adapters/*` are loaded (invalid ones are skipped and reported). */
export async function loadEngine(modelDir: string, opts: EngineOptions = {}): Promise<ModelEngine> {
  const cfg = readModelConfig(modelDir);
  const tokenizer = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
  if (tokenizer.vocabSize > cfg.vocabSize) throw new Error(`model ${modelDir}: tokenizer has ${tokenizer.vocabSize} ids but vocab_size is ${cfg.vocabSize}`);
  const found: LoadedAdapter[] = [];
  const adapterErrors: string[] = [];
  const adir = path.join(modelDir, 'adapters');
  const known = family(cfg).modules(cfg).map((m) => m.short);
  if (fs.existsSync(adir))
    for (const e of fs.readdirSync(adir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)))
      if (e.isDirectory())
        try {
          found.push(loadAdapterDir(path.join(adir, e.name), cfg, known));
        } catch (err) {
          adapterErrors.push((err as Error).message);
        }
  const slots = found.reduce((acc, a) => mergeSlots(acc, a.slots), opts.slots ?? {});
  const engine = new ModelEngine(modelDir, cfg, tokenizer, { ...opts, slots });
  for (const a of found) await engine.loadAdapter(a.info.dir);
  engine.adapterErrors.push(...adapterErrors);
  if (!opts.defer) await engine.build();
  return engine;
}
