// Checkpoints and final outputs, written atomically. A checkpoint directory `<out>/checkpoint/` holds
// the trained tensors in their deployable layout (PEFT adapter files, or a model directory for full
// fine-tuning) plus `trainable.safetensors` (graph names; for full fine-tuning model.safetensors serves), `optimizer.safetensors` (AdamW m and v) and
// `trainer_state.json` (step, epoch, data position, loss curve). It is built in a temp directory and
// swapped in by renames, so a crash or cancel at any moment leaves the previous good checkpoint.
import * as fs from 'fs';
import * as path from 'path';
import { saveAdapterDir, type AdapterSpec } from '../model/adapters';
import type { ModelConfig } from '../model/config';
import { writeModelDir } from '../model/init';
import { readSafetensors, toF32, writeSafetensors, type StTensor } from '../model/safetensors';
import type { AdamWState } from './adamw';
import type { EarlyStopState } from './early-stop';
import type { TrainableSpec } from './graph';

export const CHECKPOINT_DIR = 'checkpoint';

export interface TrainerState {
  version: 1;
  method: string;
  fingerprint: string; // data + recipe identity; resume refuses a different one
  optimizerStep: number;
  epoch: number; // 0-based epoch of the next example
  position: number; // index (in the epoch's shuffled order) of the next example
  lossCurve: { step: number; loss: number }[];
  tokensSeen: number;
  trainMs: number;
  cpuMs?: number; // CPU time of the process over the same spans (all threads)
  earlyStop?: EarlyStopState; // with a validation set (bestLoss is null in JSON before the first evaluation)
}

export type Deployable = { kind: 'adapter'; spec: AdapterSpec } | { kind: 'model'; weights: Map<string, Float32Array>; tokenizerJson: unknown };

/** Writes the deployable files (adapter or model directory) into `dir`. */
export function writeDeployable(dir: string, cfg: ModelConfig, d: Deployable): void {
  if (d.kind === 'adapter') saveAdapterDir(dir, cfg, d.spec);
  else writeModelDir(dir, cfg, d.weights, d.tokenizerJson);
}

function tensors(values: Map<string, Float32Array>, specs: TrainableSpec[], prefix = ''): Map<string, StTensor> {
  return new Map(specs.map((s) => [prefix + s.name, { dtype: 'F32' as const, shape: s.dims, data: values.get(s.name)! }]));
}

export function saveCheckpoint(
  outDir: string,
  cfg: ModelConfig,
  d: Deployable,
  specs: TrainableSpec[],
  values: Map<string, Float32Array>,
  adam: AdamWState,
  state: TrainerState,
  best?: Map<string, Float32Array>, // early stopping: the best evaluation's tensors (best.safetensors)
): void {
  const final = path.join(outDir, CHECKPOINT_DIR);
  const tmp = path.join(outDir, `.${CHECKPOINT_DIR}.tmp-${process.pid}`);
  const old = path.join(outDir, `.${CHECKPOINT_DIR}.old`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  writeDeployable(tmp, cfg, d);
  // Full fine-tuning: model.safetensors already holds every trainable tensor under the same names.
  if (d.kind === 'adapter') writeSafetensors(path.join(tmp, 'trainable.safetensors'), tensors(values, specs));
  if (best) writeSafetensors(path.join(tmp, 'best.safetensors'), tensors(best, specs));
  const opt = new Map([...tensors(adam.m, specs, 'm.'), ...tensors(adam.v, specs, 'v.')]);
  writeSafetensors(path.join(tmp, 'optimizer.safetensors'), opt, { adam_step: String(adam.step) });
  fs.writeFileSync(path.join(tmp, 'trainer_state.json'), JSON.stringify(state) + '\n');
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(final)) fs.renameSync(final, old);
  fs.renameSync(tmp, final);
  fs.rmSync(old, { recursive: true, force: true });
  removeStaleTemps(outDir);
}

/** True while a process with this id runs (EPERM: it runs under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp directories and files (`.checkpoint.tmp-<pid>`, `.final.tmp-<pid>`, `*.tmp-<pid>`)
 * that a killed save left behind. Only those of processes no longer running: a second training run
 * writing into the same folder keeps its own. Called after each good save, so a resumed run cleans up
 * what the killed one left.
 */
export function removeStaleTemps(outDir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface LoadedCheckpoint {
  values: Map<string, Float32Array>;
  adam: AdamWState;
  state: TrainerState;
  best?: Map<string, Float32Array>;
}

/** Reads `<out>/checkpoint` (or the previous one if a swap was interrupted); undefined if none. */
export function loadCheckpoint(outDir: string, specs: TrainableSpec[]): { value?: LoadedCheckpoint; error?: string } {
  let dir = path.join(outDir, CHECKPOINT_DIR);
  if (!fs.existsSync(dir)) dir = path.join(outDir, `.${CHECKPOINT_DIR}.old`);
  if (!fs.existsSync(dir)) return {};
  try {
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'trainer_state.json'), 'utf8')) as TrainerState;
    if (state.version !== 1) return { error: `checkpoint ${dir}: unknown trainer_state version ${state.version}` };
    const own = path.join(dir, 'trainable.safetensors');
    const t = readSafetensors(fs.existsSync(own) ? own : path.join(dir, 'model.safetensors')).tensors;
    const o = readSafetensors(path.join(dir, 'optimizer.safetensors'));
    const get = (m: Map<string, StTensor>, name: string, s: TrainableSpec): Float32Array => {
      const x = m.get(name);
      if (!x) throw new Error(`tensor ${name} missing`);
      if (x.shape.join(',') !== s.dims.join(',')) throw new Error(`tensor ${name} has shape [${x.shape}], expected [${s.dims}]`);
      return Float32Array.from(toF32(x, name));
    };
    const values = new Map(specs.map((s) => [s.name, get(t, s.name, s)]));
    const m = new Map(specs.map((s) => [s.name, get(o.tensors, 'm.' + s.name, s)]));
    const v = new Map(specs.map((s) => [s.name, get(o.tensors, 'v.' + s.name, s)]));
    const step = Number(o.metadata.adam_step);
    if (!Number.isInteger(step)) throw new Error('optimizer.safetensors lacks adam_step');
    const bestFile = path.join(dir, 'best.safetensors');
    const bt = fs.existsSync(bestFile) ? readSafetensors(bestFile).tensors : undefined;
    const best = bt ? new Map(specs.map((s) => [s.name, get(bt, s.name, s)])) : undefined;
    return { value: { values, adam: { step, m, v }, state, ...(best ? { best } : {}) } };
  } catch (e) {
    return { error: `checkpoint ${dir} is unreadable: ${(e as Error).message}` };
  }
}

/** Writes the final deployable files into `outDir` itself, each file swapped in by a rename. */
export function writeFinal(outDir: string, cfg: ModelConfig, d: Deployable): string[] {
  const tmp = path.join(outDir, `.final.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  writeDeployable(tmp, cfg, d);
  const files = fs.readdirSync(tmp);
  for (const f of files) fs.renameSync(path.join(tmp, f), path.join(outDir, f));
  fs.rmSync(tmp, { recursive: true, force: true });
  return files;
}

/** Writes a JSON file atomically (temp file + rename). */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
