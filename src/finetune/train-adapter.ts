// Training one adapter for `testtune finetune` (./finetune.ts), the single held-out split's or a
// cross-validation fold's: the validation slice for early stopping (whole test classes of the training
// part, split again so no test or focal class is on both sides), then the training loop the `testtune
// train` command runs (src/train/loop.ts). The folder is removed again when training fails or is
// cancelled, so a half-written adapter never stays where adapters are listed.
import * as fs from 'node:fs';
import { splitByTestClass } from '../data/split';
import type { Document } from '../train/documents';
import { train, type ProgressEvent, type TrainResult } from '../train/loop';
import type { Method, RecipeOverrides } from '../train/recipe';
import type { LocatedPair } from './pairs';

export interface AdapterTraining {
  modelDir: string;
  method: Method;
  recipe?: Partial<RecipeOverrides>; // beyond the study's
  maxSteps?: number;
  stepCap?: number; // --budget's cap (never more than the recipe's epochs)
  seed?: number;
  validationShare: number; // 0 = no early stopping
  documents?: Document[]; // the main sources, with --with-sources
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  log: (message: string) => void;
}

export interface TrainedAdapter {
  trained: TrainResult; // status 'cancelled' leaves no folder behind
  validation: LocatedPair[];
  validationClasses: number;
  seconds: number;
}

/** Trains on `trainPart` into `dir`; `what` names the adapter in the log ("fold 2/3"). */
export async function trainAdapter(dir: string, trainPart: LocatedPair[], what: string, o: AdapterTraining): Promise<TrainedAdapter> {
  let trainPairs = trainPart;
  let validation: LocatedPair[] = [];
  let validationClasses = 0;
  if (o.validationShare > 0) {
    const vs = splitByTestClass(trainPart, o.validationShare, (o.seed ?? 0) + 1);
    if (vs.heldOut.length > 0 && vs.train.length > 0) {
      trainPairs = vs.train;
      validation = vs.heldOut;
      validationClasses = vs.heldOutTestClasses.length;
      o.log(`${what}: validation for early stopping: ${validation.length} pairs (${validationClasses} test classes) of the ${trainPart.length} training pairs`);
    } else o.log(`${what}: the training part is one group of related test classes, so training runs without early stopping`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  let trained: TrainResult;
  try {
    trained = await train({
      modelDir: o.modelDir,
      outDir: dir,
      data: trainPairs,
      ...(o.documents ? { documents: o.documents } : {}),
      ...(validation.length ? { validation } : {}),
      ...(o.maxSteps === undefined && o.stepCap !== undefined ? { stepCap: o.stepCap } : {}),
      recipe: { ...o.recipe, method: o.method, ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) },
      signal: o.signal,
      onProgress: o.onProgress,
      log: o.log,
      threads: o.threads,
    });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  if (trained.status !== 'completed') fs.rmSync(dir, { recursive: true, force: true });
  return { trained, validation, validationClasses, seconds: (Date.now() - t0) / 1000 };
}
