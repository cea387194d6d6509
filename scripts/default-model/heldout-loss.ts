// Held-out loss of a model on mined pairs: mean cross-entropy (nats) of the target tokens given the source,
// the quantity the adapters train on. usage: node --import tsx scripts/default-model/heldout-loss.ts <model-dir> <pairs.jsonl> [n]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadModelFiles } from '../../src/model/engine';
import { buildInferenceModel, KvRunner } from '../../src/model/inference';
import { Tokenizer } from '../../src/model/tokenizer';
import { createSession } from '../../src/runtime/ort';

async function main() {
  const [dir, pairs, nArg] = process.argv.slice(2);
  const n = Number(nArg ?? 200);
  const { cfg, weights } = loadModelFiles(dir);
  const { bytes, graph } = buildInferenceModel(cfg, weights, {}, 'all');
  const session = await createSession(bytes, { provider: 'cpu', threads: 1 });
  const runner = new KvRunner(session, cfg, graph);
  runner.setAdapter(undefined);
  const tok = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const rows = fs.readFileSync(pairs, 'utf8').split('\n').filter(Boolean).slice(0, n).map((l) => JSON.parse(l));
  let nll = 0;
  let count = 0;
  for (const r of rows) {
    let src = tok.encode(r.source);
    const tgt = tok.encode(r.target).slice(0, 512);
    if (src.length + tgt.length > 1024) src = src.slice(src.length - (1024 - tgt.length));
    const ids = [...src, ...tgt];
    runner.reset();
    await runner.step(ids);
    const all = (runner as unknown as { lastOutput: Float32Array }).lastOutput;
    const V = cfg.vocabSize;
    for (let t = src.length - 1; t < ids.length - 1; t++) {
      const row = all.subarray(t * V, (t + 1) * V);
      let max = -Infinity;
      for (const v of row) if (v > max) max = v;
      let s = 0;
      for (const v of row) s += Math.exp(v - max);
      nll += max + Math.log(s) - row[ids[t + 1]];
      count++;
    }
  }
  console.log(JSON.stringify({ model: dir, pairs, rows: rows.length, targetTokens: count, loss: nll / count }));
}
main();
