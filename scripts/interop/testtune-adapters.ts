// Trains small adapters with TestTune's own training loop (LoRA, (IA)³, prompt tuning) on interop
// fixtures, and saves them where make_fixtures.py --peft-reads-testtune makes PEFT load them and store
// PEFT's logits: the TestTune → PEFT direction of the interop proof.
// Usage: npx tsx scripts/interop/testtune-adapters.ts [test/fixtures/interop]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { byteLevelTokenizerJson } from '../../src/model/init';
import { train } from '../../src/train/loop';
import type { Method } from '../../src/train/recipe';

const ROOT = process.argv[2] ?? path.join('test', 'fixtures', 'interop');
const RUNS: [string, Method][] = [
  ['llama', 'lora'], ['llama', 'ia3'], ['llama', 'prompt'], ['codegen', 'lora'], ['phi', 'lora'], ['qwen2', 'ia3'], ['mistral', 'lora'], ['gpt_bigcode', 'lora'], ['gpt_bigcode', 'prompt'],
];
const PAIRS = [
  { source: 'class A { int add(int a, int b) { return a + b; } }', target: '@Test void add() { assertEquals(3, new A().add(1, 2)); }' },
  { source: 'class B { String hi() { return "hi"; } }', target: '@Test void hi() { assertEquals("hi", new B().hi()); }' },
];

async function main(): Promise<void> {
  for (const [name, method] of RUNS) {
    const base = path.join(ROOT, name);
    // the fixture plus a byte-level tokenizer (its 257 ids fit the fixtures' vocabulary)
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-interop-'));
    for (const f of fs.readdirSync(base)) if (f === 'config.json' || f.endsWith('.safetensors') || f.endsWith('.index.json')) fs.copyFileSync(path.join(base, f), path.join(work, f));
    fs.writeFileSync(path.join(work, 'tokenizer.json'), JSON.stringify(byteLevelTokenizerJson()));
    const out = path.join(base, 'testtune-adapters', method);
    fs.rmSync(out, { recursive: true, force: true });
    const r = await train({
      modelDir: work,
      outDir: out,
      data: PAIRS,
      recipe: { method, maxSteps: 4, lr: 5e-2, gradAccumSteps: 1, loraR: 4, loraAlpha: 8, loraDropout: 0, numVirtualTokens: 3, maxTokens: 120, seed: 3 },
      threads: 1,
    });
    for (const f of fs.readdirSync(out)) if (!['adapter_config.json', 'adapter_model.safetensors'].includes(f)) fs.rmSync(path.join(out, f), { recursive: true, force: true });
    // the base was a temporary copy: name the fixture instead, so reruns write the same file
    const cfgFile = path.join(out, 'adapter_config.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), base_model_name_or_path: name }, null, 2) + '\n');
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`${name} ${method}: ${r.status}, ${r.report.steps ?? ''} steps -> ${out}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
