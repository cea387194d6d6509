// Predictions for a benchmark JSONL from a model engine (and optionally one of its adapters):
// greedy decoding until the test method's braces balance — the study's settings. Takes any
// `Engine` (src/model/engine-api.ts), so this folder never loads ONNX Runtime itself; the caller
// (the CLI, or the sidecar's worker) owns the engine.
import * as path from 'node:path';
import type { Engine } from '../model/engine-api';
import type { EvalRow } from './dataset';

export interface GenerationOptions {
  adapter?: string; // adapter directory, or 'none' / undefined for the base model
  maxNewTokens?: number;
  repetitionPenalty?: number; // decode.ts; undefined = plain greedy
  loopGuard?: number; // decode.ts; 0 or undefined = off
  syntaxGuard?: boolean; // decode.ts; false or undefined = off
  onProgress?: (done: number, total: number) => void;
}

export interface GenerationRun {
  rows: EvalRow[];
  adapterName: string | null;
  trainableParams?: number;
  totalParams: number;
  ms: number;
}

export async function generatePredictions(engine: Engine, rows: readonly EvalRow[], opts: GenerationOptions = {}): Promise<GenerationRun> {
  const t0 = Date.now();
  let adapterName: string | null = null;
  let trainableParams: number | undefined;
  if (opts.adapter && opts.adapter !== 'none') {
    const info = await engine.loadAdapter(path.resolve(opts.adapter));
    adapterName = info.name;
    trainableParams = info.trainableParams;
  }
  const out: EvalRow[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.source === undefined) {
      out.push({ ...row, prediction: undefined, fixedPrediction: undefined });
      continue;
    }
    const g = await engine.generate(row.source, { maxNewTokens: opts.maxNewTokens ?? 512, adapter: adapterName, stopWhenBalanced: true, repetitionPenalty: opts.repetitionPenalty, loopGuard: opts.loopGuard, syntaxGuard: opts.syntaxGuard });
    out.push({ ...row, prediction: g.text, fixedPrediction: undefined });
    opts.onProgress?.(i + 1, rows.length);
  }
  return { rows: out, adapterName, trainableParams, totalParams: engine.status().parameters, ms: Date.now() - t0 };
}
