// `testtune generate` end to end on a scripted tiny model: focal context → model (in process and
// through the sidecar) → extracted test method on stdout; clear errors for a missing model or method.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command, packageRoot, resolveModelDir } from '../../src/cli/commands/generate';
import { promptSignature } from '../../src/pipeline/prompt';
import { runCli } from '../helpers/capture-cli';
import { chain, makeScriptedModel, makeTinyAdapter, makeTinyModel } from './helpers/tiny-model';

const CALC = `package demo;

public class Calc {
    private int base;

    public int plus(int a, int b) {
        return a + b;
    }

    public int twice(int x) {
        return plus(x, x);
    }
}
`;

// These tests are about the CLI's plumbing (selection, sidecar, quantization, guards, writing, adapters). The
// scripted models write ` plus();` or `QQQ…`, which the symbol constraint rightly refuses (plus is Calc's and
// takes two arguments; Q names nothing), so it is off here; test/sidecar/symbol-constraint.test.ts covers it.
const run = (argv: string[]) => runCli(command, [...argv, '--symbol-constraint', 'off']);

describe('testtune generate (CLI, tiny scripted model)', function () {
  this.timeout(120_000);
  let tmp: string;
  let model: string;
  let calc: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-gen-cli-'));
    model = path.join(tmp, 'model');
    // The prompt ends with the test signature's "{\n"; this model then writes " plus();}" and stops (it
    // calls the focal method: the product's decoding does not let a test close before that call).
    makeScriptedModel(model, chain('\n plus();}'), { config: { maxPositions: 2048 } });
    const dir = path.join(tmp, 'proj', 'src', 'main', 'java', 'demo');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'proj', 'pom.xml'), '<project/>');
    calc = path.join(dir, 'Calc.java');
    fs.writeFileSync(calc, CALC);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints the extracted test method for --method, in process', async () => {
    const r = await run([calc, '--method', 'plus', '--model', model, '--provider', 'cpu']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '    @Test\n    void testPlus() {\n plus();}\n');
    assert.match(r.err, /new in \d+ ms .* on cpu, stop: balanced/);
  });

  it('selects by 1-based --line and runs through the sidecar with --sidecar', async () => {
    const r = await run([calc, '--line', '7', '--model', model, '--provider', 'cpu', '--sidecar', '--adapter', 'none']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '    @Test\n    void testPlus() {\n plus();}\n');
  });

  it('--quantize int8 runs the int8 graph (in process and through the sidecar) and says so; a bad value is a usage error', async () => {
    for (const extra of [[], ['--sidecar']]) {
      const r = await run([calc, '--method', 'plus', '--model', model, '--provider', 'cpu', '--quantize', 'int8', ...extra]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '    @Test\n    void testPlus() {\n plus();}\n');
      assert.match(r.err, /on cpu \(int8\), stop: balanced/);
    }
    const bad = await run([calc, '--method', 'plus', '--model', model, '--quantize', 'fp16']);
    assert.equal(bad.code, -1);
    assert.match(bad.err, /--quantize must be one of none, int8, int4/);
  });

  it('--raw prints the model output as generated', async () => {
    const r = await run([calc, '--method', 'plus', '--model', model, '--provider', 'cpu', '--raw']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, ' plus();}\n');
  });

  it('uses loop guard 3 and the syntax guard by default (the product\'s decoding); --loop-guard 0 --syntax-guard off is plain greedy', async () => {
    const loop = path.join(tmp, 'loop');
    makeScriptedModel(loop, { '\n': 'Q', Q: 'Q' }, { config: { maxPositions: 2048 } }); // writes Q forever
    const common = [calc, '--method', 'plus', '--model', loop, '--provider', 'cpu', '--raw', '--max-new-tokens', '10'];
    const plain = await run([...common, '--loop-guard', '0', '--syntax-guard', 'off']);
    assert.equal(plain.code, 0, plain.err);
    assert.equal(plain.out, 'QQQQQQQQQQ\n');
    const dflt = await run(common);
    assert.equal(dflt.code, 0, dflt.err);
    assert.ok(dflt.out.startsWith('QQ'), dflt.out);
    assert.doesNotMatch(dflt.out, /QQQ/);
    assert.match(dflt.out, /\}\n$/, 'the syntax guard closed the method before the 10-token limit');
    const loopOnly = await run([...common, '--syntax-guard', 'off']);
    assert.doesNotMatch(loopOnly.out, /QQQ|\}/);
    const badGuard = await run([...common, '--syntax-guard', 'yes']);
    assert.match(badGuard.err, /THROWN: --syntax-guard must be on or off, got 'yes'/);
    const bad = await run([...common, '--loop-guard', '200']);
    assert.equal(bad.code, -1); // a UsageError (the CLI's main turns it into exit 2)
    assert.match(bad.err, /THROWN: --loop-guard must be an integer from 0 \(off\) to 100/);
  });

  it('says clearly what is wrong: no model, no such method, bad options', async () => {
    const noModel = await run([calc, '--method', 'plus', '--model', path.join(tmp, 'nowhere')]);
    assert.equal(noModel.code, -1);
    assert.match(noModel.err, /no model at .*nowhere: config\.json is missing/);
    const noMethod = await run([calc, '--method', 'subtract', '--model', model, '--provider', 'cpu']);
    assert.equal(noMethod.code, -1);
    assert.match(noMethod.err, /subtract/);
    const both = await run([calc, '--method', 'plus', '--line', '3', '--model', model]);
    assert.match(both.err, /either --method <name> or --line <n>/);
    const noFile = await run([path.join(tmp, 'Missing.java'), '--method', 'plus', '--model', model]);
    assert.match(noFile.err, /cannot read .*Missing\.java/);
  });

  it('--write creates the test file, then adds the next test to it under a free name', async () => {
    const testFile = path.join(tmp, 'proj', 'src', 'test', 'java', 'demo', 'CalcTest.java');
    const first = await run([calc, '--method', 'plus', '--model', model, '--provider', 'cpu', '--write']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.err, /created .*CalcTest\.java \(method testPlus\)/);
    const created = fs.readFileSync(testFile, 'utf8');
    assert.match(created, /^package demo;/);
    assert.match(created, /class CalcTest \{[\s\S]*void testPlus\(\) \{[\s\S]*plus\(\);[\s\S]*\}\s*$/);
    const second = await run([calc, '--method', 'plus', '--model', model, '--provider', 'cpu', '--write']);
    assert.equal(second.code, 0, second.err);
    const updated = fs.readFileSync(testFile, 'utf8');
    assert.ok(updated.startsWith(created.slice(0, created.lastIndexOf('}'))), 'the existing text is kept');
    assert.match(updated, /void testPlus2\(\)/);
  });

  it('--adapter <dir> changes the output (in process and through the sidecar), --adapter none is the base model', async () => {
    const tiny = path.join(tmp, 'tiny');
    const { cfg } = makeTinyModel(tiny, { std: 0.3, config: { maxPositions: 2048 } });
    const lora = path.join(tmp, 'lora-a');
    makeTinyAdapter(lora, cfg, 'LORA', { std: 0.5 });
    const common = [calc, '--method', 'plus', '--model', tiny, '--provider', 'cpu', '--raw', '--max-new-tokens', '24'];
    const base = await run([...common, '--adapter', 'none']);
    const adapted = await run([...common, '--adapter', lora]);
    const viaSidecar = await run([...common, '--adapter', lora, '--sidecar']);
    for (const r of [base, adapted, viaSidecar]) assert.equal(r.code, 0, r.err);
    assert.notEqual(adapted.out, base.out);
    assert.equal(viaSidecar.out, adapted.out);
    const missing = await run([...common, '--adapter', path.join(tmp, 'no-adapter')]);
    assert.match(missing.err, /no adapter at .*no-adapter/);
  });

  it('without --model: the shipped model with its default adapter (adapters/default.json); --adapter none forces the base', async function () {
    const shipped = path.join(packageRoot()!, 'models', 'default');
    if (!fs.existsSync(path.join(shipped, 'adapters', 'default.json'))) throw new Error(`${shipped}/adapters/default.json is missing: the shipped model is part of the checkout`);
    const lora = path.join(shipped, 'adapters', JSON.parse(fs.readFileSync(path.join(shipped, 'adapters', 'default.json'), 'utf8')).adapter);
    const common = [calc, '--method', 'plus', '--provider', 'cpu', '--raw', '--max-new-tokens', '16'];
    const byDefault = await run(common);
    const explicit = await run([...common, '--model', shipped, '--adapter', lora]);
    const forcedBase = await run([...common, '--adapter', 'none']);
    const base = await run([...common, '--model', shipped]);
    for (const r of [byDefault, explicit, forcedBase, base]) assert.equal(r.code, 0, r.err);
    assert.ok(byDefault.err.includes(`(adapter ${lora})`), byDefault.err);
    assert.equal(byDefault.out, explicit.out);
    assert.equal(forcedBase.out, base.out);
    assert.notEqual(byDefault.out, base.out, 'the default adapter changes the output on this prompt');
  });

  it('eval without --model generates missing predictions with the shipped model and its default adapter', async function () {
    const shipped = path.join(packageRoot()!, 'models', 'default');
    if (!fs.existsSync(path.join(shipped, 'adapters', 'default.json'))) throw new Error(`${shipped}/adapters/default.json is missing: the shipped model is part of the checkout`);
    const { command: evalCommand } = await import('../../src/cli/commands/eval');
    const data = path.join(tmp, 'bench.jsonl');
    fs.writeFileSync(data, JSON.stringify({ id: 'a', source: `${CALC}\nclass CalcTest {\n    @Test\n    void testAdd() {\n`, target: 'assertEquals(2, new Calc().add(1, 1));' }) + '\n');
    const w = process.stdout.write;
    const w2 = process.stderr.write;
    const outs: string[] = [];
    for (const extra of [[], ['--adapter', 'none']]) {
      let out = '';
      process.stdout.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        assert.equal(await evalCommand.run(['--data', data, '--json', '--provider', 'cpu', '--max-new-tokens', '8', ...extra]), 0);
      } finally {
        process.stdout.write = w;
        process.stderr.write = w2;
      }
      outs.push(out);
    }
    assert.equal(JSON.parse(outs[0]).method, 'lora');
    assert.equal(JSON.parse(outs[1]).method, 'base');
  });

  it('the default model is models/default next to the package, or a message that says how to make one', () => {
    const root = packageRoot();
    assert.ok(root && fs.existsSync(path.join(root, 'package.json')));
    const expected = path.join(root!, 'models', 'default');
    if (fs.existsSync(path.join(expected, 'config.json'))) assert.equal(resolveModelDir(undefined), expected);
    else assert.throws(() => resolveModelDir(undefined), /no default model at .*models\/default: pass --model <dir>, or create one with 'testtune model init --preset default/);
  });

  it('promptSignature takes the annotation and signature the prompt ends with', () => {
    assert.equal(promptSignature('class A {}\n\nclass ATest {\n\n    @Test\n    void testF() {\n'), '    @Test\n    void testF() {\n');
    assert.equal(promptSignature('public int f() { return 1; }'), undefined);
  });
});
