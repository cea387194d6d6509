// Worker thread entry for the Java analyses the editor asks for on every change (code lenses) or
// command (the prompt): parsing a large or odd file takes up to its 1 s budget, and the walks after it
// up to half as long again, which on the extension host's thread would freeze the editor. Bundled as
// dist/java-worker.js; driven by analysis-thread.ts.
import { parentPort } from 'node:worker_threads';
import { buildContext, type ContextOptions, type MethodSelector } from './context';
import { listMethods } from './methods';

export type AnalysisRequest =
  | { id: number; op: 'listMethods'; source: string }
  | { id: number; op: 'buildContext'; source: string; selector: MethodSelector; options: ContextOptions };

export interface AnalysisResponse {
  id: number;
  value?: unknown;
  error?: string;
}

parentPort?.on('message', (req: AnalysisRequest) => {
  const run = req.op === 'listMethods' ? listMethods(req.source) : buildContext(req.source, req.selector, req.options);
  run.then(
    (value) => parentPort!.postMessage({ id: req.id, value } satisfies AnalysisResponse),
    (e: unknown) => parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies AnalysisResponse),
  );
});
