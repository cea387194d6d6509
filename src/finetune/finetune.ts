// Fine-tuning judged by running the repository's tests (`testtune finetune`): mine the repository's
// (focal method, test) pairs, split them by test class (src/data/split.ts `splitByTestClass`: no test
// class and no focal class on both sides), train the adapter on the train part with the training loop
// the `testtune train` command runs (src/train/loop.ts `train`), then generate for every held-out focal
// method with the base model and with the adapter through the product's whole generation path
// (./judge.ts) and let the gate decide (./gate.ts). The adapter is trained into a hidden sibling folder
// and renamed to its place only when the judgement is written, so no half-written adapter is ever where
// the picker lists adapters.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mineRepo } from '../data/miner';
import { foldsByFocalMethod, foldsByTestClass, splitByTestClass } from '../data/split';
import { loadJavaEngine } from '../generation/java-engine';
import { decodingParams } from '../pipeline/decoding';
import { engineGenerator } from '../pipeline/generator';
import { prepareVerifier } from '../pipeline/verify-stage';
import type { Method, RecipeOverrides } from '../train/recipe';
import type { ProgressEvent } from '../train/loop';
import { mainSourceDocuments } from './sources';
import { judgeSides, type GateVerdict, type MethodOutcome } from './gate';
import { focalTargets, judgeSide, targetKey, type FocalTarget } from './judge';
import { trainAdapter, type AdapterTraining } from './train-adapter';
import { locatePairs, SMALL_PAIRS, smallRepositoryNote, VALIDATION_SHARE, whyNotEnoughPairs } from './pairs';

export class FinetuneError extends Error {}

/**
 * Caps for a slower or busier machine (`budget: true`, CLI --budget): at most 48 optimizer steps (the
 * recipe's 3 epochs when they are fewer) and the first 16 held-out focal methods judged. Off by default:
 * a 300-pair repository took 721 s end to end uncapped (96 steps, 23 methods judged) within the issue's
 * 15 minutes on the shared 2-core machine, and 637 s with the caps (docs/results.md §8.3).
 */
export const BUDGET = { maxSteps: 48, maxMethods: 16 };


export interface FinetuneOptions {
  repoDir: string;
  modelDir: string;
  method: Method;
  outDir: string;
  heldOutShare: number; // (0, 1)
  maxSteps?: number;
  seed?: number;
  /** Recipe overrides beyond the study's (learning rate, epochs, LoRA rank and targets: CLI --lr, --epochs, --lora-r, --lora-targets). */
  recipe?: Partial<RecipeOverrides>;
  /**
   * Cross-validation (CLI --folds k): the pairs go into k folds by test class; for each fold an adapter
   * trained on the other folds is judged on that fold's focal methods, so every focal method of the
   * repository is judged by an adapter that never saw its tests; the adapter written is then trained on
   * all pairs. k + 1 trainings; heldOutShare and maxMethods do not apply.
   */
  folds?: number;
  /**
   * What a fold holds whole: 'test-class' (the default and the gate's rule: no test or focal class in two
   * folds) or 'focal-method' (all tests of a focal method in one fold; other methods of its class are
   * trained on: a new method in a class that already has tests). A measurement, not the gate's split.
   */
  foldBy?: 'test-class' | 'focal-method';
  /** Add the repository's main sources as language-model data (src/train/documents.ts). */
  withSources?: boolean;
  /** Hold out this share of the training part (by test class) as a validation set for early stopping; 0 = off; default VALIDATION_SHARE for a small repository, else off. */
  validationShare?: number;
  candidates: number;
  rounds: number;
  maxMethods?: number; // most held-out focal methods judged (in their stable order); with budget, default BUDGET.maxMethods
  budget?: boolean; // default false: with true, BUDGET's caps where maxSteps / maxMethods are not given
  extraClasspath?: string[];
  threads?: number;
  timeoutMs?: number; // per verified test
  signal?: AbortSignal;
  log?: (message: string) => void;
  onTrainProgress?: (e: ProgressEvent) => void;
}

export interface MethodJudgement {
  focal: string;
  base: MethodOutcome;
  adapter: MethodOutcome;
}

export interface Judgement extends GateVerdict {
  repository: string;
  model: string;
  method: Method;
  pairs: { total: number; train: number; heldOut: number };
  heldOutTestClasses: string[];
  heldOutFocalMethods: number; // unique focal methods of the held-out pairs (n ≤ this with --max-methods)
  trainSteps: number;
  finalTrainLoss?: number;
  withSources: boolean;
  /** Main-source chunks trained on beside the pairs (with withSources). */
  sourceChunks?: { documents: number; chunks: number; used: number; tokens: number };
  /** Early stopping: validation pairs, the step whose adapter was kept, whether it stopped early, every evaluation. */
  validation?: { pairs: number; testClasses: number; bestStep: number; bestLoss: number; stoppedEarly: boolean; curve: { step: number; loss: number }[] };
  /** The recipe overrides trained with, when any (otherwise the study's recipe). */
  recipe?: Partial<RecipeOverrides>;
  /** With cross-validation: what a fold holds whole, and each fold's test classes, focal methods judged and the training of its adapter. */
  foldBy?: 'test-class' | 'focal-method';
  folds?: { testClasses: string[]; pairs: number; focalMethods: number; trainPairs: number; trainSteps: number; finalTrainLoss?: number; trainSeconds: number }[];
  candidates: number;
  rounds: number;
  notes: string[]; // what limits the figures (small repository, a cap on methods)
  methods: MethodJudgement[];
  seconds: number;
  trainSeconds: number;
  judgeSeconds: number;
  adapterDir: string;
  judgedAt: string;
}

/** The hidden sibling folder the adapter is written into before it is complete. */
export function partialDirOf(outDir: string): string {
  const abs = path.resolve(outDir);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.partial`);
}

export async function finetune(o: FinetuneOptions): Promise<Judgement> {
  const t0 = Date.now();
  const log = o.log ?? (() => {});
  const outDir = path.resolve(o.outDir);
  if (fs.existsSync(outDir) && (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0))
    throw new FinetuneError(`${outDir} already exists and is not an empty folder: choose another --out (an adapter is never overwritten)`);

  // 1. Mine.
  const mined = await mineRepo(o.repoDir);
  const why = whyNotEnoughPairs(mined.report, mined.records.length);
  if (why) throw new FinetuneError(`${o.repoDir}: ${why}`);
  const pairs = locatePairs(mined.records, mined.mappings);
  const notes: string[] = [];
  const small = smallRepositoryNote(pairs.length);
  if (small) notes.push(small);

  // 2. Split by test class: one held-out part, or k folds for cross-validation.
  const foldBy = o.foldBy ?? 'test-class';
  const folds = o.folds === undefined ? undefined : foldBy === 'focal-method' ? foldsByFocalMethod(pairs, o.folds, o.seed ?? 0) : foldsByTestClass(pairs, o.folds, o.seed ?? 0);
  if (folds && folds.length < 2)
    throw new FinetuneError(`${o.repoDir}: the ${pairs.length} pairs come from one group of related test classes, so no fold can be judged without training on it`);
  if (folds && folds.length < o.folds!) notes.push(`--folds ${o.folds}: only ${folds.length} groups of related test classes, so ${folds.length} folds`);
  const split = folds ? { train: pairs, heldOut: pairs, heldOutTestClasses: [...new Set(pairs.map((p) => p.test_class))].sort() } : splitByTestClass(pairs, o.heldOutShare, o.seed ?? 0);
  if (split.heldOut.length === 0 || split.train.length === 0)
    throw new FinetuneError(`${o.repoDir}: the ${pairs.length} pairs come from one group of related test classes, so none can be held out without training on it`);
  let targets: FocalTarget[] = focalTargets(split.heldOut);
  const heldOutFocalMethods = targets.length;
  const budget = o.budget ?? false;
  const maxMethods = folds ? undefined : o.maxMethods ?? (budget ? BUDGET.maxMethods : undefined);
  if (maxMethods !== undefined && targets.length > maxMethods) {
    notes.push(`judged the first ${maxMethods} of ${targets.length} held-out focal methods (${o.maxMethods !== undefined ? '--max-methods' : '--budget'})`);
    targets = targets.slice(0, maxMethods);
  }
  if (folds) {
    log(`${pairs.length} pairs in ${folds.length} folds by ${foldBy === 'focal-method' ? 'focal method' : 'test class'}: ${folds.map((f) => f.pairs.length).join(' / ')} pairs, ${heldOutFocalMethods} focal methods in all`);
    notes.push(`cross-validation: every focal method judged with an adapter trained on the other ${folds.length - 1} folds; the adapter written is trained on all ${pairs.length} pairs`);
    if (foldBy === 'focal-method') notes.push('folds by focal method: other methods of a judged method\'s class, and other tests of its test class, were trained on (a new method in a class that has tests); the gate\'s own split is by test class');
  } else log(`${pairs.length} pairs: ${split.train.length} train, ${split.heldOut.length} held out (${split.heldOutTestClasses.length} test classes, ${heldOutFocalMethods} focal methods)`);

  // 3. The verifier first: a project whose main sources do not compile here cannot judge anything.
  const v = await prepareVerifier(path.resolve(o.repoDir), { timeoutMs: o.timeoutMs ?? 30_000, extraClasspath: o.extraClasspath, signal: o.signal });
  for (const w of v.warnings.slice(0, 10)) log(`project: ${w}`);
  if (!v.verifier) throw new FinetuneError(`${o.repoDir}: ${v.errors.join('; ')}`);
  const sources = o.withSources ? mainSourceDocuments(v.verifier.project, new Set(pairs.map((p) => p.test_path))) : undefined;
  for (const s of sources?.skipped.slice(0, 10) ?? []) log(`sources: cannot read ${s}`);
  if (sources && sources.documents.length === 0) notes.push('--with-sources: no main source files found in the project model\'s main folders');

  // 4. Train: one adapter into a hidden folder (removed again on any failure or cancel).
  const training: AdapterTraining = {
    modelDir: o.modelDir,
    method: o.method,
    recipe: o.recipe,
    maxSteps: o.maxSteps,
    stepCap: budget ? BUDGET.maxSteps : undefined,
    seed: o.seed,
    validationShare: o.validationShare ?? (pairs.length < SMALL_PAIRS ? VALIDATION_SHARE : 0),
    documents: sources?.documents,
    threads: o.threads,
    signal: o.signal,
    onProgress: o.onTrainProgress,
    log,
  };
  const trainInto = async (dir: string, trainPart: typeof pairs, what: string) => {
    const r = await trainAdapter(dir, trainPart, what, training);
    if (r.trained.status !== 'completed')
      throw new FinetuneError(`training cancelled at step ${r.trained.report.steps} of ${r.trained.report.totalSteps} (${what}): no adapter was written to ${outDir}`);
    return r;
  };
  const partial = partialDirOf(outDir);
  const foldDir = (i: number) => `${partial}-fold${i + 1}`;
  const cleanUp = () => {
    fs.rmSync(partial, { recursive: true, force: true });
    folds?.forEach((_f, i) => fs.rmSync(foldDir(i), { recursive: true, force: true }));
  };

  // 5. Judge base and adapter on the same held-out methods (with folds: each fold's adapter on its own).
  const engine = await loadJavaEngine(o.modelDir, { provider: 'cpu', defer: true, threads: o.threads });
  let base: MethodOutcome[];
  const adapted: MethodOutcome[] = [];
  let final: Awaited<ReturnType<typeof trainInto>>;
  const foldReports: NonNullable<Judgement['folds']> = [];
  let trainSeconds = 0;
  let judgeSeconds = 0;
  const others: { dispose(): Promise<void> }[] = []; // engines of fully fine-tuned models
  try {
    const common = { projectRoot: path.resolve(o.repoDir), generator: engineGenerator(engine), decoding: decodingParams('product'), verifier: v.verifier, candidates: o.candidates, rounds: o.rounds, signal: o.signal };
    // The trained side: an adapter on the base engine, or (full fine-tuning) the trained model in its own engine.
    const trainedSide = async (dir: string) => {
      if (o.method !== 'full') return { ...common, adapter: (await engine.loadAdapter(dir)).name };
      const tuned = await loadJavaEngine(dir, { provider: 'cpu', defer: true, threads: o.threads });
      others.push(tuned);
      return { ...common, generator: engineGenerator(tuned), adapter: null };
    };
    const say = (side: string, of: readonly FocalTarget[]) => (i: number, t: FocalTarget, _o: MethodOutcome, detail: string) => log(`${side} ${i + 1}/${of.length} ${t.label}: ${detail}`);
    const judged = async <T>(run: () => Promise<T>): Promise<T> => {
      const t = Date.now();
      try {
        return await run();
      } finally {
        judgeSeconds += (Date.now() - t) / 1000;
      }
    };
    if (!folds) {
      final = await trainInto(partial, split.train, 'adapter');
      trainSeconds += final.seconds;
      const side = await trainedSide(partial);
      base = await judged(() => judgeSide(targets, { ...common, adapter: null, onMethod: say('base', targets) }));
      adapted.push(...(await judged(() => judgeSide(targets, { ...side, onMethod: say('adapter', targets) }))));
    } else {
      base = await judged(() => judgeSide(targets, { ...common, adapter: null, onMethod: say('base', targets) }));
      const byKey = new Map<string, MethodOutcome>();
      for (const [i, fold] of folds.entries()) {
        const inFold = new Set(fold.pairs.map((p) => targetKey(p.focal_path, p.focal_line)));
        const foldTargets = targets.filter((t) => inFold.has(targetKey(t.focalPath, t.focalLine)));
        const what = `fold ${i + 1}/${folds.length}`;
        const r = await trainInto(foldDir(i), folds.flatMap((f, j) => (j === i ? [] : f.pairs)), what);
        trainSeconds += r.seconds;
        const side = await trainedSide(foldDir(i));
        const outcomes = await judged(() => judgeSide(foldTargets, { ...side, onMethod: say(`${what} adapter`, foldTargets) }));
        if (o.method === 'full') await others.pop()?.dispose();
        foldTargets.forEach((t, k) => byKey.set(targetKey(t.focalPath, t.focalLine), outcomes[k]));
        foldReports.push({ testClasses: fold.testClasses, pairs: fold.pairs.length, focalMethods: foldTargets.length, trainPairs: pairs.length - fold.pairs.length, trainSteps: r.trained.report.steps, finalTrainLoss: r.trained.report.lossCurve.at(-1)?.loss, trainSeconds: r.seconds });
        fs.rmSync(foldDir(i), { recursive: true, force: true });
      }
      adapted.push(...targets.map((t) => byKey.get(targetKey(t.focalPath, t.focalLine))!));
      final = await trainInto(partial, pairs, 'the adapter on all pairs');
      trainSeconds += final.seconds;
    }
  } catch (e) {
    cleanUp();
    if (e instanceof FinetuneError) throw e; // a cancelled training says at which step
    if (o.signal?.aborted) throw new FinetuneError(`cancelled while judging: no adapter was written to ${outDir}`);
    throw e;
  } finally {
    await engine.dispose();
    for (const e of others) await e.dispose();
  }
  const { trained, validation, validationClasses } = final;
  const verdict = judgeSides(base, adapted);
  const judgement: Judgement = {
    ...verdict,
    repository: mined.report.repository,
    model: path.basename(path.resolve(o.modelDir)),
    method: o.method,
    pairs: { total: pairs.length, train: split.train.length, heldOut: split.heldOut.length },
    heldOutTestClasses: split.heldOutTestClasses,
    heldOutFocalMethods,
    trainSteps: trained.report.steps,
    finalTrainLoss: trained.report.lossCurve.at(-1)?.loss,
    withSources: !!o.withSources,
    ...(trained.documents ? { sourceChunks: trained.documents } : {}),
    ...(trained.validation
      ? { validation: { pairs: validation.length, testClasses: validationClasses, bestStep: trained.validation.bestStep, bestLoss: trained.validation.bestLoss, stoppedEarly: trained.validation.stoppedEarly, curve: trained.validation.curve } }
      : {}),
    ...(folds ? { foldBy, folds: foldReports } : {}),
    ...(o.recipe && Object.keys(o.recipe).length ? { recipe: o.recipe } : {}),
    candidates: o.candidates,
    rounds: o.rounds,
    notes,
    methods: targets.map((t, i) => ({ focal: t.label, base: base[i], adapter: adapted[i] })),
    seconds: (Date.now() - t0) / 1000,
    trainSeconds,
    judgeSeconds,
    adapterDir: outDir,
    judgedAt: new Date().toISOString(),
  };

  // 6. Complete: the judgement beside the adapter, then the folder to its place in one rename.
  fs.writeFileSync(path.join(partial, 'judgement.json'), JSON.stringify(judgement, null, 2) + '\n');
  if (fs.existsSync(outDir)) fs.rmdirSync(outDir); // empty (checked above)
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(partial, outDir);
  return judgement;
}
