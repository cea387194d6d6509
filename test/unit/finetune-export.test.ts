// `testtune export`: the mined pairs as JSONL split by test class (train / validation / test, no test
// class on two sides, every pair once), rows with the fields `datasets.load_dataset('json', ...)` reads
// (string `source` and `target` on every line, the same keys on every line), the main sources with
// --with-sources, and a train.py whose recipe values, adapter targets, model default and save call are
// the ones TestTune uses; the refusals (an --out in use, a repository without tests) leave nothing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../src/cli/commands/export';
import { trainScript } from '../../src/finetune/train-py';
import { parseModelConfig } from '../../src/model/config';
import { resolveRecipe } from '../../src/train/recipe';
import { writeRepo } from '../helpers/q-repo';
import { runCli } from '../helpers/capture-cli';

const modelDir = path.resolve(__dirname, '../../models/default');

const rows = (file: string): Record<string, unknown>[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('testtune export', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-export-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes train / validation / test JSONL split by test class, the main sources and train.py', async () => {
    const repo = path.join(tmp, 'repo');
    writeRepo(repo, 10);
    const out = path.join(tmp, 'export');
    const r = await runCli(command, [repo, '--out', out, '--model', modelDir, '--heldout-share', '0.2', '--validation-share', '0.2', '--with-sources', '--json']);
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.deepEqual([...summary.files].sort(), ['sources.jsonl', 'test.jsonl', 'train.jsonl', 'train.py', 'validation.jsonl']);
    assert.deepEqual(fs.readdirSync(out).sort(), [...summary.files].sort());
    assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes('partial')), []);
    const parts = { train: rows(path.join(out, 'train.jsonl')), validation: rows(path.join(out, 'validation.jsonl')), test: rows(path.join(out, 'test.jsonl')) };
    assert.equal(parts.train.length + parts.validation.length + parts.test.length, 20);
    assert.deepEqual(summary.pairs, { total: 20, train: parts.train.length, validation: parts.validation.length, test: parts.test.length });
    assert.ok(parts.train.length > 0 && parts.validation.length > 0 && parts.test.length > 0, JSON.stringify(summary.pairs));
    // one schema for every line: what load_dataset('json') needs to build one table
    const keys = ['focal_class', 'focal_line', 'focal_method', 'focal_path', 'repository', 'source', 'target', 'test_case', 'test_class', 'test_path'];
    for (const row of [...parts.train, ...parts.validation, ...parts.test]) {
      assert.deepEqual(Object.keys(row).sort(), keys);
      for (const k of keys) assert.equal(typeof row[k], k === 'focal_line' ? 'number' : 'string', k);
      // the study's prompt: focal class, then the test class up to the test method's '{'; the target is the body
      assert.match(row.source as string, /public static int f\(int v\)[\s\S]*class QTest \{[\s\S]*void test\w+\(\) \{\s*$/);
      assert.match(row.target as string, /assertEquals/);
    }
    const classesOf = (xs: Record<string, unknown>[]) => new Set(xs.map((x) => x.test_class as string));
    const [a, b, c] = [classesOf(parts.train), classesOf(parts.validation), classesOf(parts.test)];
    for (const k of a) assert.ok(!b.has(k) && !c.has(k), `${k} on two sides`);
    for (const k of b) assert.ok(!c.has(k), `${k} on two sides`);
    const sources = rows(path.join(out, 'sources.jsonl'));
    assert.deepEqual(sources.map((s) => s.path).sort(), Array.from({ length: 10 }, (_, i) => `src/main/java/p${i}/Q.java`).sort());
    assert.ok(sources.every((s) => typeof s.text === 'string' && (s.text as string).includes('public class Q')));
    const py = fs.readFileSync(path.join(out, 'train.py'), 'utf8');
    assert.ok(py.includes(`default=${JSON.stringify(modelDir)}`), 'the exported-for model is train.py\'s default --model');
  });

  it('train.py carries the resolved recipe, the family\'s adapter targets and the PEFT save', () => {
    const cfg = parseModelConfig(JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'))).value!;
    const recipe = resolveRecipe(cfg, { method: 'lora', loraR: 8, lr: 1e-4 }).value!;
    const py = trainScript({ recipe, modelDir: '/m' });
    const line = (name: string) => py.split('\n').find((l) => l.startsWith(`${name} = `));
    assert.equal(line('LR'), 'LR = {"full":0.00005,"lora":0.0001,"ia3":0.0003,"prompt":0.003}');
    assert.equal(line('LORA_R'), 'LORA_R = 8');
    assert.equal(line('LORA_ALPHA'), 'LORA_ALPHA = 32');
    assert.equal(line('LORA_DROPOUT'), 'LORA_DROPOUT = 0.1');
    assert.equal(line('LORA_TARGETS'), 'LORA_TARGETS = ["q_proj","v_proj"]');
    assert.equal(line('GRAD_ACCUM'), 'GRAD_ACCUM = 8');
    assert.equal(line('EPOCHS'), 'EPOCHS = 3');
    assert.equal(line('WARMUP_RATIO'), 'WARMUP_RATIO = 0.1');
    assert.equal(line('MAX_GRAD_NORM'), 'MAX_GRAD_NORM = 1');
    assert.equal(line('MAX_TOKENS'), 'MAX_TOKENS = 1024');
    assert.equal(line('SEED'), 'SEED = 42');
    assert.equal(line('BETAS'), 'BETAS = (0.9, 0.999)');
    assert.match(py, /ap\.add_argument\("--model", default="\/m"/);
    assert.match(py, /ap\.add_argument\("--method", default="lora"/);
    assert.match(py, /load_dataset\("json", data_files=path, split="train"\)/);
    assert.match(py, /accelerate launch --multi_gpu --num_processes \d+ train\.py/);
    assert.match(py, /unwrapped\.save_pretrained\(args\.out\)/);
    assert.match(py, /LoraConfig\(r=LORA_R, lora_alpha=LORA_ALPHA, lora_dropout=LORA_DROPOUT, target_modules=LORA_TARGETS, bias="none", task_type="CAUSAL_LM"\)/);
    // the loss is each example's mean over its target tokens (prompt labels -100), averaged over the step's examples
    assert.match(py, /"labels": \[-100\] \* len\(src\) \+ tgt/);
    assert.match(py, /accelerator\.backward\(mean_loss\(model, examples\[i\], accelerator\.device\) \/ len\(group\)\)/);
    assert.doesNotMatch(py, /\$\{|undefined|NaN/);
  });

  it('refuses an --out in use and a repository without tests, leaving nothing behind', async () => {
    const repo = path.join(tmp, 'repo2');
    writeRepo(repo, 10);
    const used = path.join(tmp, 'used');
    fs.mkdirSync(used);
    fs.writeFileSync(path.join(used, 'keep.txt'), 'x');
    const r1 = await runCli(command, [repo, '--out', used, '--model', modelDir]);
    assert.equal(r1.code, 1);
    assert.match(r1.err, /already exists and is not an empty folder/);
    assert.deepEqual(fs.readdirSync(used), ['keep.txt']);
    const bare = path.join(tmp, 'bare');
    fs.mkdirSync(path.join(bare, 'src'), { recursive: true });
    fs.writeFileSync(path.join(bare, 'src', 'A.java'), 'class A {}');
    const r2 = await runCli(command, [bare, '--out', path.join(tmp, 'bare-out'), '--model', modelDir]);
    assert.equal(r2.code, 1);
    assert.match(r2.err, /no test classes among 1 Java files/);
    assert.ok(!fs.existsSync(path.join(tmp, 'bare-out')) && !fs.existsSync(path.join(tmp, '.bare-out.partial')));
    const r3 = await runCli(command, [repo, '--out', path.join(tmp, 'x'), '--model', modelDir, '--validation-share', '1.5']);
    assert.equal(r3.code, -1);
    assert.match(r3.err, /--validation-share must be a fraction/);
  });
});
