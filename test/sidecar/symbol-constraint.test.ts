// The symbol constraint in a real engine (ONNX Runtime, a tiny random model with a byte-level
// tokenizer: every name spans as many tokens as it has characters) created through loadJavaEngine, with
// a hand-written scope: a member the receiver's type lacks never appears, and the options reach the
// factory whether they come in process or through the sidecar protocol's check. Outputs without the
// option are pinned by decode-golden.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelEngine } from '../../src/model/engine';
import { loadEngine } from '../../src/model/engine';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { checkGenerate } from '../../src/sidecar/protocol';
import type { SymbolScope } from '../../src/symbols/scope';
import { makeTinyModel } from './helpers/tiny-model';

/** `Circle` has 26 one-letter fields, `a` to `z`: any longer name after `c.` is no member. */
function scope(): SymbolScope {
  const fields: Record<string, { static: boolean; type: string }> = {};
  for (let i = 0; i < 26; i++) fields[String.fromCharCode(97 + i)] = { static: false, type: 'int' };
  return {
    visibleTypes: { Circle: 'com.x.Circle' },
    types: { 'com.x.Circle': { kind: 'class', supertypes: ['java.lang.Object'], complete: true, abstract: false, constructors: [1], constructorVarargs: false, methods: {}, fields, nested: {} } },
    bareNames: {},
    knownPackages: ['com.x'],
  };
}

const PROMPT = 'class T {\n  void t() {';
const BODY = '\n    Circle c = new Circle(1);\n    c.';
/** The name written right after `c.` in a completion of PROMPT + BODY. */
const memberAfter = (text: string) => /^[\w$]*/.exec(text)![0];

describe('symbol constraint in an engine (tiny model, byte-level tokens)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const engines: ModelEngine[] = [];
  after(async () => {
    for (const e of engines) await e.dispose();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function engine(seed: number): Promise<ModelEngine> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-symbols-'));
    dirs.push(dir);
    makeTinyModel(dir, { seed });
    const e = await loadJavaEngine(dir, { provider: 'cpu', threads: 1 });
    engines.push(e);
    return e;
  }

  for (const seed of [4, 5])
    it(`seed ${seed}: the model's own name after \`c.\` is no member and never appears with the constraint`, async () => {
      const e = await engine(seed);
      const plain = await e.generate(PROMPT + BODY, { maxNewTokens: 12, stopWhenBalanced: false });
      const wanted = memberAfter(plain.text);
      assert.ok(wanted.length > 1, `the model writes a name that is no member (got ${JSON.stringify(plain.text)})`);
      const params = checkGenerate({ context: PROMPT + BODY, maxNewTokens: 12, stopWhenBalanced: false, symbols: { scope: scope(), bodyBefore: BODY } });
      assert.ok(params.ok);
      const { context, ...opts } = params.value;
      const constrained = await e.generate(context, opts);
      const got = memberAfter(constrained.text);
      assert.equal(got.length, 1, `a one-letter field, then no name character (got ${JSON.stringify(constrained.text)})`);
      assert.ok(!constrained.text.startsWith(wanted));
      assert.notEqual(constrained.text[1], '('); // a field is not called
    });

  it('an engine without the Java factory refuses the option by name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-symbols-'));
    dirs.push(dir);
    makeTinyModel(dir, { seed: 4 });
    const plainEngine = await loadEngine(dir, { provider: 'cpu', threads: 1 });
    engines.push(plainEngine);
    await assert.rejects(plainEngine.generate(PROMPT, { maxNewTokens: 2, symbols: { scope: scope() } }), /symbols need a decoding factory/);
  });

  it('malformed symbol data fails the generation with the key named', async () => {
    const e = await engine(4);
    await assert.rejects(e.generate(PROMPT, { maxNewTokens: 2, symbols: { scope: { types: {} } } }), /symbols\.scope\.visibleTypes must be an object/);
  });
});
