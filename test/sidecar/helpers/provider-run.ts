// Child process of webgpu.test.ts: creates a session of the tiny model's adapted decode graph (LoRA and
// (IA)³ inputs) on one execution provider with ORT's verbose log, so the node placement reaches this
// process's stderr, and prints {provider, note} as JSON on stdout. A child because the Vulkan loader and
// lavapipe are found through LD_LIBRARY_PATH, which the dynamic loader reads only when a process starts.
// argv: <provider webgpu|cpu> <model dir with adapters/lora and adapters/ia3>
import { loadAdapterDir } from '../../../src/model/adapters';
import { loadModelFiles } from '../../../src/model/engine';
import { family } from '../../../src/model/family';
import { buildInferenceModel, matmulLayoutFor } from '../../../src/model/inference';
import { createSession } from '../../../src/runtime/ort';
import { adapterPath } from './tiny-model';

async function main(provider: 'webgpu' | 'cpu', modelDir: string): Promise<void> {
  const { cfg, weights } = loadModelFiles(modelDir);
  const known = family(cfg).modules(cfg).map((m) => m.short);
  const lora = loadAdapterDir(adapterPath(modelDir, 'lora'), cfg, known);
  const ia3 = loadAdapterDir(adapterPath(modelDir, 'ia3'), cfg, known);
  const { bytes } = buildInferenceModel(cfg, weights, { lora: lora.slots.lora, ia3: ia3.slots.ia3 }, 'last', 'none', matmulLayoutFor(provider));
  const session = await createSession(bytes, { provider, threads: 1, logSeverityLevel: 0 });
  process.stdout.write(JSON.stringify({ provider: session.provider, note: session.note ?? null }));
  await session.release();
}

main(process.argv[2] as 'webgpu' | 'cpu', process.argv[3]).catch((e) => {
  process.stderr.write(`provider-run: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
