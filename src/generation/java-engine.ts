// The engine as TestTune uses it: a model engine whose generations decode with the Java-aware factory
// (decoding.ts). Every creator of an engine (the sidecar's worker, the CLI, benchmarks, tests) loads
// through here, so they all decode alike.
import { loadEngine, type EngineOptions, type ModelEngine } from '../model/engine';
import { javaDecoding } from './decoding';

export function loadJavaEngine(modelDir: string, opts: Omit<EngineOptions, 'decoding'> = {}): Promise<ModelEngine> {
  return loadEngine(modelDir, { ...opts, decoding: javaDecoding });
}
