// The training loop, nanoGPT-style: one sequence per micro-step (batch 1: one example, or with `pack`
// several examples of the same optimizer step packed padding-free), gradients accumulated over
// `gradAccumSteps` examples, then clip, schedule, AdamW. Forward + backward run as one ONNX Runtime
// session over the generated training graph; the optimizer runs in JS. Cancellable (the signal is
// checked before every micro-step; a cancel saves a checkpoint of the last finished step), resumable
// from `<out>/checkpoint`, reporting progress per step.
// Optional (issue 20): plain-LM documents (a repository's main sources, ./documents.ts) mixed with the
// pairs, and a validation set whose loss is evaluated every few steps for early stopping
// (./early-stop.ts): the best evaluation's tensors are what the run writes.
// Memory: the session's memory pattern is off and JS garbage (graph IR, model bytes, frozen weights)
// is collected before and after session creation; see collectGarbage and the train bench.
import * as fs from 'fs';
import * as path from 'path';
import { loadModelFiles } from '../model/engine';
import { rng } from '../model/init';
import { Tokenizer } from '../model/tokenizer';
import { createSession, f32, i64, type HostTensor } from '../runtime/ort';
import { AdamW, clipGradNorm, decaysLikeHf } from './adamw';
import { loadCheckpoint, saveCheckpoint, writeFinal, writeJsonAtomic, type Deployable, type TrainerState } from './checkpoint';
import { encodePairs, readPairs, type EncodeStats, type Example, type Pair } from './data';
import { chunkDocuments, readDocuments, type ChunkStats, type Document } from './documents';
import { defaultEvalEvery, initialEarlyStop, observeEval, type EarlyStopState } from './early-stop';
import { buildTrainModel, sequenceFeeds, type TrainModel } from './graph';
import { collectGarbage } from './memory';
import { packBins, toSequence } from './pack';
import { formulaParams, initTrainable, toAdapterSpec } from './params';
import { resolveRecipe, type Recipe, type RecipeOverrides } from './recipe';
import { buildReport, type TrainingReport } from './report';
import { linearSchedule, stepsPerEpoch } from './schedule';

export interface ProgressEvent {
  step: number; // optimizer steps done
  totalSteps: number;
  epoch: number; // 1-based epoch of the last example
  loss: number; // mean loss of the step's examples
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  etaSec: number;
}

export interface TrainOptions {
  modelDir: string;
  outDir: string;
  data: string | Pair[]; // JSONL file or pairs
  documents?: string | Document[]; // plain-LM data (JSONL with "text", or documents): chunks join the pairs
  validation?: string | Pair[]; // held-out pairs: their loss drives early stopping
  stepCap?: number; // at most this many optimizer steps (the schedule spans them); unlike maxSteps, never more than the recipe's epochs
  recipe: RecipeOverrides;
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  log?: (msg: string) => void;
  threads?: number;
}

export interface TrainResult {
  status: 'completed' | 'cancelled';
  report: TrainingReport;
  values: Map<string, Float32Array>; // final trainable tensors (graph names)
  model: TrainModel;
  files: string[]; // deployable files written into outDir
  /** With a validation set: every evaluation, the best, and whether training stopped early. */
  validation?: EarlyStopState & { stoppedEarly: boolean; evalEverySteps: number };
  documents?: ChunkStats;
}

export class TrainError extends Error {}

function fingerprint(r: Recipe, examples: Example[], validation: Example[]): string {
  let h = 0x811c9dc5;
  const mix = (n: number) => {
    h ^= n & 0xffff;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= n >>> 16;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const e of examples) {
    mix(e.ids.length);
    mix(e.promptLen);
    for (const id of e.ids) mix(id);
  }
  // The early-stopping and sources settings count only where they are used, so a run without them
  // keeps the fingerprint it had before they existed (and resumes).
  const { saveEverySteps: _s, maxSteps: _m, evalEverySteps, patience, sourcesShare: _d, ...rest } = r;
  for (const c of JSON.stringify(rest)) mix(c.charCodeAt(0));
  if (validation.length) {
    for (const e of validation) for (const id of e.ids) mix(id);
    for (const c of JSON.stringify({ evalEverySteps, patience })) mix(c.charCodeAt(0));
  }
  return h.toString(16).padStart(8, '0');
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

export function shuffled(n: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = rng((seed * 7919 + epoch * 104729 + 1) >>> 0);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? (() => {});
  const { cfg, weights } = loadModelFiles(o.modelDir);
  const resolved = resolveRecipe(cfg, o.recipe);
  if (!resolved.value) throw new TrainError(`recipe: ${resolved.errors.join('; ')}`);
  const r = resolved.value;
  const read = typeof o.data === 'string' ? readPairs(o.data) : { pairs: o.data, errors: [] };
  for (const e of read.errors.slice(0, 10)) log(`data: ${e}`);
  const tok = Tokenizer.fromFile(path.join(o.modelDir, 'tokenizer.json'));
  const encoded = encodePairs(tok, read.pairs, r.maxTokens);
  const stats = encoded.stats;
  if (encoded.examples.length === 0) throw new TrainError(`no usable training pairs (${read.pairs.length} read, ${stats.dropped} too long, ${read.errors.length} bad lines)`);
  log(`data: ${encoded.examples.length} examples, ${stats.tokens} tokens (${stats.trimmed} trimmed, ${stats.dropped} dropped as too long)`);
  let examples = encoded.examples;
  let docStats: ChunkStats | undefined;
  if (o.documents !== undefined) {
    const docs = typeof o.documents === 'string' ? readDocuments(o.documents) : { documents: o.documents, errors: [] };
    for (const e of docs.errors.slice(0, 10)) log(`documents: ${e}`);
    const chunked = chunkDocuments(tok, docs.documents, r.maxTokens, Math.floor(r.sourcesShare * stats.tokens), r.seed);
    docStats = chunked.stats;
    // Pairs first, chunks after: the epoch's shuffle mixes them.
    examples = [...examples, ...chunked.examples];
    log(`documents: ${chunked.stats.used} of ${chunked.stats.chunks} chunks from ${chunked.stats.documents} documents, ${chunked.stats.tokens} tokens (at most ${r.sourcesShare} × the pairs' tokens)`);
  }
  let valExamples: Example[] = [];
  if (o.validation !== undefined) {
    const v = typeof o.validation === 'string' ? readPairs(o.validation) : { pairs: o.validation, errors: [] };
    for (const e of v.errors.slice(0, 10)) log(`validation: ${e}`);
    valExamples = encodePairs(tok, v.pairs, r.maxTokens).examples;
    if (valExamples.length === 0) log(`validation: no usable pairs (${v.pairs.length} read): training runs without early stopping`);
  }

  const model = buildTrainModel(cfg, weights, r);
  const specs = model.trainable;
  let values = initTrainable(specs, weights, r.seed);
  // Frozen weights now live in the model bytes (and then only in the session): drop the JS arrays and
  // the graph IR before ORT makes its copies, and the bytes after. The memory pattern is off: it
  // pre-plans a second block for the next run while the arena still holds the first. The train bench
  // (default-size model, 600-token examples) measured peak RSS 476 MiB LoRA, 451 (IA)³, 473 prompt,
  // 669 full with both, against 947/839/918/992 for PyTorch eager; before, LoRA 769 and the others
  // 1–5% above PyTorch.
  if (r.method !== 'full') weights.clear();
  collectGarbage();
  const session = await createSession(model.bytes, { provider: 'cpu', threads: o.threads, memPattern: false });
  model.bytes = new Uint8Array(0);
  collectGarbage();
  const fp = fingerprint(r, examples, valExamples);
  fs.mkdirSync(o.outDir, { recursive: true });

  // Early stopping: the state rides in the checkpoint; `best` holds the best evaluation's tensors.
  let early: EarlyStopState | undefined = valExamples.length ? initialEarlyStop() : undefined;
  let best: Map<string, Float32Array> | undefined;
  let stoppedEarly = false;
  let adam = new AdamW(r, values, decaysLikeHf);
  let state: TrainerState = { version: 1, method: r.method, fingerprint: fp, optimizerStep: 0, epoch: 0, position: 0, lossCurve: [], tokensSeen: 0, trainMs: 0 };
  if (o.resume) {
    const ck = loadCheckpoint(o.outDir, specs);
    if (ck.error) throw new TrainError(ck.error);
    if (ck.value) {
      if (ck.value.state.fingerprint !== fp) throw new TrainError('the checkpoint in the output directory was made with different data or settings; use another --out or drop --resume');
      ({ values, state } = ck.value);
      adam = new AdamW(r, values, decaysLikeHf, ck.value.adam);
      if (early && state.earlyStop) {
        // JSON has no Infinity: a run saved before its first evaluation wrote null
        early = { ...state.earlyStop, bestLoss: state.earlyStop.bestLoss ?? Infinity };
        best = ck.value.best;
      }
      log(`resuming at step ${state.optimizerStep} (epoch ${state.epoch + 1}, example ${state.position})`);
    } else log('no checkpoint to resume from; starting fresh');
  } else if (fs.existsSync(path.join(o.outDir, 'checkpoint'))) log(`starting fresh: the checkpoint in ${o.outDir} will be replaced (use --resume to continue it)`);

  const perEpoch = stepsPerEpoch(examples.length, r.gradAccumSteps);
  const total = Math.min(r.maxSteps ?? r.epochs * perEpoch, o.stepCap ?? Infinity);
  const evalEvery = r.evalEverySteps ?? defaultEvalEvery(perEpoch);
  const sched = linearSchedule(r.lr, total, r.warmupRatio);
  const baseDir = path.resolve(o.modelDir);
  const deployable = (tensors: Map<string, Float32Array> = values): Deployable =>
    r.method === 'full'
      ? { kind: 'model', weights: tensors, tokenizerJson: JSON.parse(fs.readFileSync(path.join(o.modelDir, 'tokenizer.json'), 'utf8')) }
      : { kind: 'adapter', spec: toAdapterSpec(cfg, r, specs, tensors, baseDir) };
  const gradNames = specs.map((s) => `grad.${s.name}`);
  const acc = new Map(specs.map((s) => [s.name, new Float32Array(values.get(s.name)!.length)]));
  const fixed: Record<string, HostTensor> = {};
  if (model.loraScaling) fixed[model.loraScaling] = f32(Float32Array.of(r.loraAlpha / r.loraR), [1]);

  let status: TrainResult['status'] = 'completed';
  const sessionStart = Date.now();
  const stepsAtStart = state.optimizerStep;
  let tokensThisRun = 0;
  let saveAtEnd = false;
  // the step of the checkpoint on disk (-1: none from this run); a cancel saves one unless it is current
  let savedStep = o.resume && state.optimizerStep > 0 ? state.optimizerStep : -1;
  const save = (): void => {
    if (early) state.earlyStop = early;
    saveCheckpoint(o.outDir, cfg, deployable(), specs, values, adam.state, state, best);
    savedStep = state.optimizerStep;
  };
  outer: while (state.optimizerStep < total) {
    const order = shuffled(examples.length, r.seed, state.epoch);
    while (state.position < examples.length) {
      // One optimizer step: the next gradAccumSteps examples (fewer at the end of an epoch), run one
      // per micro-step or packed into sequences of at most maxTokens tokens.
      const first = state.position;
      const end = Math.min(first + r.gradAccumSteps, examples.length);
      const group = order.slice(first, end);
      const bins = r.pack ? packBins(group.map((i) => examples[i].ids.length), r.maxTokens) : group.map((_, k) => [k]);
      let groupLoss = 0;
      const tokensBeforeGroup = state.tokensSeen;
      for (const bin of bins) {
        if (o.signal?.aborted) {
          // the step's partial gradients are dropped: the state stays at the last finished step
          state.tokensSeen = tokensBeforeGroup;
          status = 'cancelled';
          break outer;
        }
        const t0 = Date.now();
        const c0 = process.cpuUsage();
        const members = bin.map((k) => ({ ex: examples[group[k]], position: first + k }));
        groupLoss += await microStep(members, state.epoch);
        state.trainMs += Date.now() - t0;
        state.cpuMs = (state.cpuMs ?? 0) + cpuMsSince(c0);
        for (const m of members) {
          state.tokensSeen += m.ex.ids.length;
          tokensThisRun += m.ex.ids.length;
        }
      }
      const groupSize = group.length;
      state.position = end;

      // Optimizer step.
      const ts = Date.now();
      const cs = process.cpuUsage();
      for (const g of acc.values()) for (let i = 0; i < g.length; i++) g[i] /= groupSize;
      const gradNorm = clipGradNorm(acc.values(), r.maxGradNorm);
      const lr = sched.lrAt(state.optimizerStep);
      adam.update(values, acc, lr);
      for (const g of acc.values()) g.fill(0);
      state.optimizerStep++;
      const stepLoss = groupLoss / groupSize;
      state.lossCurve.push({ step: state.optimizerStep, loss: stepLoss });
      if (state.position >= examples.length) {
        state.epoch++;
        state.position = 0;
      }
      state.trainMs += Date.now() - ts;
      state.cpuMs = (state.cpuMs ?? 0) + cpuMsSince(cs);
      const elapsed = (Date.now() - sessionStart) / 1000;
      const done = state.optimizerStep - stepsAtStart;
      o.onProgress?.({
        step: state.optimizerStep,
        totalSteps: total,
        epoch: Math.min(state.epoch + (state.position === 0 ? 0 : 1), r.epochs),
        loss: stepLoss,
        lr,
        gradNorm,
        tokensPerSec: tokensThisRun / Math.max(elapsed, 1e-3),
        etaSec: (elapsed / done) * (total - state.optimizerStep),
      });
      const last = state.optimizerStep >= total;
      if (early && (state.optimizerStep % evalEvery === 0 || last)) {
        const t0 = Date.now();
        // not interrupted by a cancel: the step's evaluation belongs to it, so a resumed run sees the
        // same evaluations as an uninterrupted one (the cancel is taken before the next micro-step)
        const valLoss = await validationLoss();
        const seen = observeEval(early, { patience: r.patience, minDelta: 0 }, state.optimizerStep, valLoss);
        if (seen.improved) best = new Map([...values].map(([k, v]) => [k, Float32Array.from(v)]));
        log(`validation loss ${valLoss.toFixed(4)} at step ${state.optimizerStep}${seen.improved ? ' (best)' : ` (best ${early.bestLoss.toFixed(4)} at step ${early.bestStep})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        if (seen.stop && !last) {
          log(`early stop at step ${state.optimizerStep} of ${total}: ${r.patience} evaluations without improvement; keeping step ${early.bestStep}`);
          stoppedEarly = true;
          saveAtEnd = true;
          break outer;
        }
      }
      if (last) {
        saveAtEnd = true; // after the session is released: serialising must not stack on ORT's arena
        break outer;
      }
      if (state.optimizerStep % r.saveEverySteps === 0 || state.position === 0) save();
      if (state.position === 0) continue outer; // next epoch: new order
    }
  }
  await session.release();
  collectGarbage();
  if (saveAtEnd) save();
  else if (status === 'cancelled' && state.optimizerStep > 0 && state.optimizerStep !== savedStep) {
    // a cancel keeps every finished step: --resume continues from exactly here
    save();
    log(`cancelled: checkpoint saved at step ${state.optimizerStep} of ${total}`);
  } else if (status === 'cancelled') log(`cancelled at step ${state.optimizerStep} of ${total}${savedStep >= 0 ? ' (the checkpoint is current)' : ''}`);

  // With early stopping the run's result is the best evaluation's tensors, not the last step's.
  const final = early && best ? best : values;
  const files = status === 'completed' ? writeFinal(o.outDir, cfg, deployable(final)) : [];
  const validation = early ? { ...early, stoppedEarly, evalEverySteps: evalEvery } : undefined;
  const report = buildReport({ status, recipe: r, cfg, modelDir: baseDir, specs, formula: formulaParams(cfg, r), stats, state, totalSteps: total, backwardNodes: model.backwardNodes, dataErrors: read.errors.length, validation, documents: docStats });
  writeJsonAtomic(path.join(o.outDir, 'training_report.json'), report);
  return { status, report, values: final, model, files, ...(validation ? { validation } : {}), ...(docStats ? { documents: docStats } : {}) };

  /** Mean over the validation examples of each one's mean target loss, without dropout. */
  async function validationLoss(): Promise<number> {
    let sum = 0;
    for (const ex of valExamples) {
      const seq = toSequence([ex]);
      const n = seq.ids.length;
      const feeds: Record<string, HostTensor> = { ...fixed, ...sequenceFeeds(seq) };
      for (const s of specs) feeds[s.name] = f32(values.get(s.name)!, s.dims);
      for (const m of model.masks) feeds[m.name] = f32(new Float32Array(n * m.inDim).fill(1), [1, n, m.inDim]);
      const out = await session.run(feeds, ['loss']);
      sum += (out.loss.data as Float32Array)[0];
    }
    return sum / valExamples.length;
  }

  /** Forward + backward of one sequence (one example or several packed); returns the sum of their mean losses. */
  async function microStep(members: { ex: Example; position: number }[], epoch: number): Promise<number> {
    const seq = toSequence(members.map((m) => m.ex));
    const n = seq.ids.length;
    const feeds: Record<string, HostTensor> = { ...fixed, ...sequenceFeeds(seq) };
    for (const s of specs) feeds[s.name] = f32(values.get(s.name)!, s.dims);
    if (model.masks.length) {
      // Each example's masks come from its own (epoch, position) stream, packed or not.
      const keep = 1 - r.loraDropout;
      const data = model.masks.map((m) => new Float32Array(n * m.inDim));
      let row = 0;
      for (const { ex, position } of members) {
        const rand = rng((r.seed * 1000003 + epoch * 7919 + position * 31 + 17) >>> 0);
        model.masks.forEach((m, j) => {
          const d = data[j].subarray(row * m.inDim, (row + ex.ids.length) * m.inDim);
          for (let i = 0; i < d.length; i++) d[i] = rand() < keep ? 1 / keep : 0;
        });
        row += ex.ids.length;
      }
      model.masks.forEach((m, j) => (feeds[m.name] = f32(data[j], [1, n, m.inDim])));
    }
    const out = await session.run(feeds, ['loss', ...gradNames]);
    const loss = (out.loss.data as Float32Array)[0];
    if (!Number.isFinite(loss)) throw new TrainError(`loss became ${loss} at step ${state.optimizerStep + 1}; lower the learning rate`);
    for (const s of specs) {
      const g = out[`grad.${s.name}`].data as Float32Array;
      const a = acc.get(s.name)!;
      for (let i = 0; i < a.length; i++) a[i] += g[i];
    }
    return loss;
  }
}

export type { EncodeStats };
