// The generation pipeline (src/pipeline/) on Java text: prepare → candidates → choose → place, with a
// generator that replays fixed completions (the model itself is exercised by the sidecar tier through
// `testtune generate`, which runs this same pipeline).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS } from '../../../src/config/settings';
import { hasSyntaxError, javaParser } from '../../../src/java/parser';
import type { GenerateResult } from '../../../src/model/engine-api';
import { decodingParams, parseDecodingMode } from '../../../src/pipeline/decoding';
import { engineOptions, type GenerateCall, type TestGenerator } from '../../../src/pipeline/generator';
import { chooseCandidate, runPipeline, type Stage } from '../../../src/pipeline/pipeline';
import { prepareTest } from '../../../src/pipeline/prepare';
import { completionToMethod, promptSignature } from '../../../src/pipeline/prompt';

/** Replays completions in order and records each call. */
function replay(...texts: string[]): TestGenerator & { calls: { prompt: string; call: GenerateCall }[] } {
  const calls: { prompt: string; call: GenerateCall }[] = [];
  return {
    calls,
    async generate(prompt, call) {
      calls.push({ prompt, call });
      const text = texts[Math.min(calls.length - 1, texts.length - 1)];
      call.onText?.(text);
      const result: GenerateResult = { text, stopReason: call.signal?.aborted ? 'cancelled' : 'balanced', promptTokens: 10, newTokens: 5, ms: 1 };
      return result;
    },
  };
}

describe('pipeline: decoding modes come from the settings declaration', () => {
  it('product follows the settings, study is plain greedy with the same token budget', () => {
    assert.deepEqual(decodingParams('product'), { maxNewTokens: DEFAULT_SETTINGS.maxNewTokens, loopGuard: DEFAULT_SETTINGS.loopGuard, syntaxGuard: DEFAULT_SETTINGS.syntaxGuard, focalCall: true, symbolConstraint: DEFAULT_SETTINGS.symbolConstraint });
    assert.deepEqual(decodingParams('study'), { maxNewTokens: DEFAULT_SETTINGS.maxNewTokens, loopGuard: 0, syntaxGuard: false, symbolConstraint: false });
    assert.equal(decodingParams('product', { maxNewTokens: 99, loopGuard: 5, syntaxGuard: false, symbolConstraint: false }).loopGuard, 5);
    assert.equal(parseDecodingMode(undefined, 'study'), 'study');
    assert.equal(parseDecodingMode('product', 'study'), 'product');
    assert.match((parseDecodingMode('greedy', 'study') as { error: string }).error, /study, product/);
  });
});

describe('pipeline: prompt signature and completion', () => {
  it('takes the annotations and the signature line the prompt ends with', () => {
    assert.equal(promptSignature('class A {}\n\nclass ATest {\n\n    @Test\n    void testF() {\n'), '    @Test\n    void testF() {\n');
    assert.equal(promptSignature('class ATest {\n    @DisplayName("x")\n    @Test\n    void testF() {'), '    @DisplayName("x")\n    @Test\n    void testF() {');
    assert.equal(promptSignature('public int f() { return 1; }'), undefined);
  });

  it('completes the signature with the body, keeping one indentation for the whole method', async () => {
    const r = await completionToMethod('class ATest {\n    @Test\n    void testF() {\n', '        int x = 1;\n    }\n}\nclass Junk {');
    assert.equal(r.method, '    @Test\n    void testF() {\n        int x = 1;\n    }');
    assert.match((await completionToMethod('class ATest {\n    @Test\n    void testF() {\n', '        int x = 1;\n')).errors[0], /closing brace/);
  });
});

describe('pipeline: Generate test on Java text', () => {
  const focal = 'package p;\n\npublic abstract class Shape {\n    public Shape() {}\n\n    public abstract double area();\n\n    public int twice(int x) {\n        return 2 * x;\n    }\n}\n';
  let project: string;
  let focalPath: string;
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };

  before(() => {
    project = mkdtempSync(path.join(os.tmpdir(), 'testtune-pipeline-'));
    mkdirSync(path.join(project, 'src/main/java/p'), { recursive: true });
    writeFileSync(path.join(project, 'pom.xml'), '<project><dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version></dependency></dependencies></project>');
    focalPath = path.join(project, 'src/main/java/p/Shape.java');
    writeFileSync(focalPath, focal);
  });

  const prep = (line: number, testFramework = DEFAULT_SETTINGS.testFramework) => prepareTest({ focalPath, focalText: focal, selector: { line }, projectRoot: project, testFramework, readFile: read });

  it('explains why a place cannot be tested: outside a method, a constructor, an abstract method', async () => {
    assert.match((await prep(1)).errors[0], /line 2\) is not inside a method/);
    assert.match((await prep(3)).errors[0], /constructor/);
    assert.match((await prep(5)).errors[0], /abstract/);
  });

  it('selects by name too, and names the methods when the name is wrong', async () => {
    const byName = await prepareTest({ focalPath, focalText: focal, selector: { name: 'twice' }, projectRoot: project, readFile: read });
    assert.equal(byName.value?.method.name, 'twice');
    const wrong = await prepareTest({ focalPath, focalText: focal, selector: { name: 'thrice' }, projectRoot: project, readFile: read });
    assert.match(wrong.errors[0], /no method 'thrice'.*twice/);
  });

  it('prepares the prompt, the test location and the framework once (JUnit 4 from the pom; a setting overrides it)', async () => {
    const r = await prep(8);
    assert.deepEqual(r.errors, []);
    const p = r.value!;
    assert.equal(p.location.testFile, path.join(project, 'src/test/java/p/ShapeTest.java'));
    assert.equal(p.location.exists, false);
    assert.equal(p.framework, 'junit4');
    assert.equal(p.testMethodName, 'testTwice');
    assert.equal(p.methodLabel, 'Shape.twice(int)');
    assert.match(p.signature!, /^ *@Test\n *public void testTwice\(\) \{\n$/);
    assert.equal((await prep(8, 'junit5')).value!.framework, 'junit5');
  });

  it('runs prepare → candidate → place: one edit that creates a test file that parses, with the product decoding', async () => {
    const p = (await prep(8)).value!;
    const gen = replay('\n        org.junit.Assert.assertEquals(4, new Shape() { public double area() { return 0; } }.twice(2));\n    }\n}\nclass Junk {');
    const stages: Stage[] = [];
    const run = await runPipeline({ prepared: p, generator: gen, decoding: decodingParams('product'), readTestFile: read, onStage: (s) => stages.push(s) });
    assert.deepEqual(run.errors, []);
    assert.deepEqual(stages, [{ stage: 'generating', candidate: 1, of: 1 }, { stage: 'placing' }]);
    assert.equal(gen.calls.length, 1);
    assert.equal(gen.calls[0].prompt, p.prompt);
    assert.deepEqual(gen.calls[0].call.decoding, decodingParams('product'));
    // unverified, the first complete method is inserted: no focal-call rule (it applies where verification follows)
    assert.equal(gen.calls[0].call.requireCall, undefined, 'no focal-call rule without verification');
    assert.equal(engineOptions({ ...gen.calls[0].call, requireCall: 'twice' }).requireCall, 'twice', 'the engine gets the rule when asked');
    const placed = run.placed!;
    assert.equal(placed.created, true);
    assert.equal(placed.start, 0);
    assert.equal(placed.end, 0);
    assert.equal(placed.fileText, placed.newText);
    assert.match(placed.newText, /^package p;\n/);
    assert.match(placed.newText, /import org\.junit\.Test;/);
    assert.ok(!placed.newText.includes('Junk'), 'text after the method is cut');
    assert.ok(placed.methodOffset !== undefined && placed.newText.slice(placed.methodOffset).trimStart().startsWith('public void testTwice()'));
    const tree = (await javaParser()).parse(placed.newText);
    assert.equal(hasSyntaxError(tree.rootNode), false);
    tree.delete();
  });

  it('inserts into an existing test class with one edit, renaming on a clash and keeping every byte', async () => {
    const testDir = path.join(project, 'src/test/java/p');
    mkdirSync(testDir, { recursive: true });
    const existing = 'package p;\n\nimport org.junit.Test;\n\npublic class ShapeTest {\n    @Test\n    public void testTwice() {\n    }\n}\n';
    writeFileSync(path.join(testDir, 'ShapeTest.java'), existing);
    const p = (await prep(8)).value!;
    assert.equal(p.location.exists, true);
    assert.equal(p.testMethodName, 'testTwice2');
    const run = await runPipeline({ prepared: p, generator: replay('\n        int y = 1;\n    }\n'), decoding: decodingParams('product'), readTestFile: read });
    assert.deepEqual(run.errors, []);
    const e = run.placed!;
    assert.equal(e.created, false);
    const after = existing.slice(0, e.start) + e.newText + existing.slice(e.end);
    assert.equal(after, e.fileText);
    assert.ok(after.includes('    @Test\n    public void testTwice2() {\n        int y = 1;\n    }\n}'), after);
    for (const line of existing.split('\n')) assert.ok(after.includes(line), `lost: ${line}`);
  });

  it('refuses output that never closes the method, and places nothing', async () => {
    const p = (await prep(8)).value!;
    const run = await runPipeline({ prepared: p, generator: replay('\n        int y = 1;\n'), decoding: decodingParams('product'), readTestFile: read });
    assert.equal(run.placed, undefined);
    assert.match(run.errors[0], /not a usable test method.*closing brace/);
  });

  it('chooses the first candidate with a complete method; more candidates are sampled with fixed seeds', async () => {
    const p = (await prep(8)).value!;
    const gen = replay('\n        int y = 1;\n', '\n        int z = 2;\n    }\n');
    const run = await runPipeline({ prepared: p, generator: gen, decoding: decodingParams('product'), candidates: 2, place: false });
    assert.equal(run.chosen?.index, 1);
    assert.equal(run.placed, undefined);
    assert.deepEqual(run.errors, []);
    assert.equal(gen.calls[0].call.temperature, undefined, 'the first candidate is greedy');
    assert.equal(gen.calls[1].call.seed, 1);
    const study = replay('\n        int z = 2;\n    }\n');
    await runPipeline({ prepared: p, generator: study, decoding: decodingParams('study'), place: false });
    assert.equal(study.calls[0].call.requireCall, undefined, "the study's plain greedy has no focal-call rule");
    assert.equal(chooseCandidate([]), undefined);
  });

  it('stops when cancelled and reports it', async () => {
    const p = (await prep(8)).value!;
    const c = new AbortController();
    c.abort();
    const run = await runPipeline({ prepared: p, generator: replay('x'), decoding: decodingParams('product'), signal: c.signal });
    assert.equal(run.cancelled, true);
    assert.equal(run.placed, undefined);
  });
});
