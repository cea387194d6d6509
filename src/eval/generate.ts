// Predictions for a benchmark JSONL from a local model (and optionally an adapter): greedy
// decoding until the test method's braces balance — the study's settings. The engine is loaded
// lazily so text-only evaluation never touches ONNX Runtime.
import * as path from 'node:path';
import type { EngineStatus, ProviderPreference } from '../model/engine-api';
import type { EvalRow } from './dataset';

export interface GenerationOptions {
  modelDir: string;
  adapter?: string; // adapter directory, or 'none' for the base model
  provider?: ProviderPreference;
  maxNewTokens?: number;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerationRun {
  rows: EvalRow[];
  adapterName: string | null;
  trainableParams?: number;
  totalParams: number;
  status: EngineStatus;
  ms: number;
}

export async function generatePredictions(rows: readonly EvalRow[], opts: GenerationOptions): Promise<GenerationRun> {
  const { loadEngine } = await import('../model/engine');
  const engine = await loadEngine(opts.modelDir, { provider: opts.provider ?? 'auto' });
  const t0 = Date.now();
  try {
    let adapterName: string | null = null;
    let trainableParams: number | undefined;
    if (opts.adapter && opts.adapter !== 'none') {
      const info = await engine.loadAdapter(path.resolve(opts.adapter));
      adapterName = info.name;
      trainableParams = info.trainableParams;
    }
    const todo = rows.slice(0, opts.limit ?? rows.length);
    const out: EvalRow[] = [];
    for (const [i, row] of todo.entries()) {
      if (row.source === undefined) {
        out.push({ ...row, prediction: undefined });
        continue;
      }
      const g = await engine.generate(row.source, { maxNewTokens: opts.maxNewTokens ?? 512, adapter: adapterName, stopWhenBalanced: true });
      out.push({ ...row, prediction: g.text, fixedPrediction: undefined });
      opts.onProgress?.(i + 1, todo.length);
    }
    const status = engine.status();
    return { rows: out, adapterName, trainableParams, totalParams: status.parameters, status, ms: Date.now() - t0 };
  } finally {
    await engine.dispose();
  }
}
