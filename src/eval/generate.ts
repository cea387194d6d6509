// Predictions for a benchmark JSONL from a model engine (and optionally one of its adapters), through
// the generation pipeline's candidate stage (src/pipeline/candidates.ts), so evaluation decodes exactly
// as the product does; the decoding — the study's plain greedy or the product's — is the caller's
// explicit choice (src/pipeline/decoding.ts). A row's prediction is the model's raw continuation (the
// study scores it as is). Takes any `Engine` (src/model/engine-api.ts), so this folder never loads ONNX
// Runtime itself; the caller (the CLI, or the sidecar's worker) owns the engine.
import * as path from 'node:path';
import type { Engine } from '../model/engine-api';
import { generateCandidates } from '../pipeline/candidates';
import type { DecodingParams } from '../pipeline/decoding';
import { engineGenerator } from '../pipeline/generator';
import type { EvalRow } from './dataset';

export interface GenerationOptions {
  adapter?: string; // adapter directory, or 'none' / undefined for the base model
  decoding: DecodingParams;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerationRun {
  rows: EvalRow[];
  adapterName: string | null;
  trainableParams?: number;
  totalParams: number;
  ms: number;
}

export async function generatePredictions(engine: Engine, rows: readonly EvalRow[], opts: GenerationOptions): Promise<GenerationRun> {
  const t0 = Date.now();
  let adapterName: string | null = null;
  let trainableParams: number | undefined;
  if (opts.adapter && opts.adapter !== 'none') {
    const info = await engine.loadAdapter(path.resolve(opts.adapter));
    adapterName = info.name;
    trainableParams = info.trainableParams;
  }
  const generator = engineGenerator(engine);
  const out: EvalRow[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.source === undefined) {
      out.push({ ...row, prediction: undefined, fixedPrediction: undefined });
      continue;
    }
    const [first] = await generateCandidates(row.source, generator, { decoding: opts.decoding, adapter: adapterName });
    out.push({ ...row, prediction: first.result.text, fixedPrediction: undefined });
    opts.onProgress?.(i + 1, rows.length);
  }
  return { rows: out, adapterName, trainableParams, totalParams: engine.status().parameters, ms: Date.now() - t0 };
}
