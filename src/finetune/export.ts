// `testtune export`: the repository's mined pairs for training elsewhere (issue 20, item 5). The pairs
// are split as `testtune finetune` splits them (whole test classes: test, then validation out of the
// rest, src/data/split.ts), written as JSONL that Hugging Face `datasets.load_dataset('json', ...)`
// reads (`source` = the prompt in the study's format: focal class + test class up to the test method's
// `{`; `target` = the test method's body; plus where each pair came from), optionally the main sources
// (`sources.jsonl`, `text`), and a `train.py` (./train-py.ts) whose adapter TestTune loads back.
// Written into a hidden sibling folder and renamed when complete, like an adapter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mineRepo } from '../data/miner';
import { splitByTestClass } from '../data/split';
import { parseModelConfig, type ModelConfig } from '../model/config';
import { loadProjectModel } from '../project/model';
import { resolveRecipe, type Method } from '../train/recipe';
import { partialDirOf, FinetuneError } from './finetune';
import { locatePairs, whyNotEnoughPairs, type LocatedPair } from './pairs';
import { documentsJsonl, mainSourceDocuments } from './sources';
import { trainScript } from './train-py';

export interface ExportOptions {
  repoDir: string;
  outDir: string;
  modelDir: string; // the model the script trains (its family gives the adapter targets)
  method: Method;
  heldOutShare: number; // test part, by test class
  validationShare: number; // of the rest, by test class; 0 = none
  seed?: number;
  withSources?: boolean;
}

export interface ExportSummary {
  repository: string;
  outDir: string;
  files: string[];
  pairs: { total: number; train: number; validation: number; test: number };
  testClasses: { train: number; validation: number; test: number };
  sources?: number; // main source files written to sources.jsonl
}

/** The fields of one exported row: what datasets reads (`source`, `target`) and where it came from. */
export function exportRow(p: LocatedPair): Record<string, string | number> {
  return {
    source: p.source,
    target: p.target,
    repository: p.repository,
    focal_class: p.focal_class,
    focal_method: p.focal_method,
    focal_path: p.focal_path,
    focal_line: p.focal_line,
    test_class: p.test_class,
    test_case: p.test_case,
    test_path: p.test_path,
  };
}

const jsonl = (rows: readonly LocatedPair[]): string => rows.map((p) => JSON.stringify(exportRow(p)) + '\n').join('');

/** The model's config, or a message naming its config.json (never a throw of JSON.parse). */
function readModelConfig(modelDir: string): ModelConfig {
  const file = path.join(modelDir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FinetuneError(`${file}: ${(e as Error).message}`);
  }
  const r = parseModelConfig(json);
  if (!r.value) throw new FinetuneError(`${file} is not usable: ${r.errors.join('; ')}`);
  return r.value;
}

export async function exportPairs(o: ExportOptions): Promise<ExportSummary> {
  const outDir = path.resolve(o.outDir);
  if (fs.existsSync(outDir) && (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0))
    throw new FinetuneError(`${outDir} already exists and is not an empty folder: choose another --out`);
  const cfg = readModelConfig(o.modelDir);
  const recipe = resolveRecipe(cfg, { method: o.method, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  if (!recipe.value) throw new FinetuneError(`recipe for ${o.modelDir}: ${recipe.errors.join('; ')}`);

  const mined = await mineRepo(o.repoDir);
  const why = whyNotEnoughPairs(mined.report, mined.records.length);
  if (why) throw new FinetuneError(`${o.repoDir}: ${why}`);
  const pairs = locatePairs(mined.records, mined.mappings);
  const split = splitByTestClass(pairs, o.heldOutShare, o.seed ?? 0);
  if (split.heldOut.length === 0 || split.train.length === 0)
    throw new FinetuneError(`${o.repoDir}: the ${pairs.length} pairs come from one group of related test classes, so none can be held out without training on it`);
  let train = split.train;
  let validation: LocatedPair[] = [];
  if (o.validationShare > 0) {
    const v = splitByTestClass(split.train, o.validationShare, (o.seed ?? 0) + 1);
    if (v.heldOut.length > 0 && v.train.length > 0) ({ train, heldOut: validation } = v);
  }
  const classes = (rows: readonly LocatedPair[]) => new Set(rows.map((r) => r.test_class)).size;

  const partial = partialDirOf(outDir);
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const files: Record<string, string> = {
    'train.jsonl': jsonl(train),
    'validation.jsonl': jsonl(validation),
    'test.jsonl': jsonl(split.heldOut),
    'train.py': trainScript({ recipe: recipe.value, modelDir: path.resolve(o.modelDir) }),
  };
  let sources: number | undefined;
  if (o.withSources) {
    const m = mainSourceDocuments(loadProjectModel(path.resolve(o.repoDir)), new Set(pairs.map((p) => p.test_path)));
    files['sources.jsonl'] = documentsJsonl(m.documents);
    sources = m.documents.length;
  }
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(partial, name), text);
    if (fs.existsSync(outDir)) fs.rmdirSync(outDir);
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    fs.renameSync(partial, outDir);
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw new FinetuneError(`cannot write ${outDir}: ${(e as Error).message}`);
  }
  return {
    repository: mined.report.repository,
    outDir,
    files: Object.keys(files),
    pairs: { total: pairs.length, train: train.length, validation: validation.length, test: split.heldOut.length },
    testClasses: { train: classes(train), validation: classes(validation), test: classes(split.heldOut) },
    ...(sources !== undefined ? { sources } : {}),
  };
}
