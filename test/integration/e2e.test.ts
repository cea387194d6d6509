// End-to-end in a real VS Code (code-server + Chromium), as a person would, on a copy of the sample
// Maven project examples/calculator with a tiny generated model (its greedy output is scripted, so the
// generated test is known): right-click in a method → Generate test → the test file exists and parses;
// the code lens above another method works and creates a new test file; the status bar opens the adapter
// picker and switches adapters; "Fine-tune adapter on this repo" trains a LoRA adapter on the project's
// tests and the new adapter appears in the picker, and again after the editor restarts. Screenshots of
// each step in test-output/integration/.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasSyntaxError, javaParser } from '../../src/java/parser';
import { adapterPath, chain, makeScriptedModel, makeTinyAdapter } from '../sidecar/helpers/tiny-model';
import { ROOT, UI_TIMEOUT, VSCode, copyProject, log, sleep, vsixPath, waitFor } from './harness';

// The prompt ends with the test method's signature and "{\n": the scripted model then writes this body
// (each character has one successor). It calls Q.f, the focal method of the verification step; for the
// other steps, which run unverified, it is just a body that parses.
const BODY = 'int y=Q.f(3);}';
const Q = 'package com.example.calculator;\n\npublic class Q {\n    public static int f(int v) {\n        return v * 2;\n    }\n}\n';

async function parses(file: string): Promise<boolean> {
  const tree = (await javaParser()).parse(readFileSync(file, 'utf8'));
  try {
    return !hasSyntaxError(tree.rootNode);
  } finally {
    tree.delete();
  }
}

describe('end to end: Generate test, code lens, adapter picker, fine-tuning (examples/calculator)', function () {
  let vs: VSCode;
  let ws: string;
  const pkg = 'src/main/java/com/example/calculator';
  const testPkg = 'src/test/java/com/example/calculator';
  let trained = ''; // the adapter the fine-tuning step made

  before(async function () {
    const calculator = path.join(ROOT, 'examples', 'calculator');
    if (!existsSync(calculator)) throw new Error(`the sample project ${calculator} is missing`);
    ws = copyProject(calculator);
    writeFileSync(path.join(ws, pkg, 'Q.java'), Q);
    const modelDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'testtune-model-')), 'tiny-scripted');
    // long enough positions for the training pairs (byte-level tokens: about one per character)
    const model = makeScriptedModel(modelDir, chain('\n' + BODY), { config: { maxPositions: 2048 } });
    makeTinyAdapter(adapterPath(modelDir, 'demo-lora'), model.cfg, 'LORA', { r: 2 });
    vs = await VSCode.launch({
      workspace: ws,
      vsix: vsixPath(),
      name: 'e2e',
      settings: {
        'testtune.modelPath': modelDir,
        'testtune.executionProvider': 'cpu',
        'testtune.maxNewTokens': 48,
        'testtune.saveAfterInsert': true,
        'testtune.verify.enabled': false, // the verification step turns it on for the workspace
      },
      env: { TESTTUNE_TRAIN_MAX_STEPS: '2' },
    });
  });

  after(async function () {
    await vs?.close();
  });

  it('right-click in a method → Generate test: the test goes into the existing CalculatorTest, which still parses', async function () {
    await vs.openFile('Calculator.java');
    await vs.screenshot('calculator-open');
    const before = vs.events().length;
    await vs.goToLine(21); // inside subtract(int, int)
    await vs.contextMenu('Generate test');
    const ev = await vs.waitForEvent('testWritten', undefined, 240_000, before).catch(async (e) => {
      await vs.screenshot('generate-failed');
      throw new Error(`${(e as Error).message}; events: ${JSON.stringify(vs.events().slice(before))}`);
    });
    await vs.screenshot('generated-by-context-menu');
    const file = ev.file as string;
    assert.equal(path.relative(ws, file), path.join(testPkg, 'CalculatorTest.java'));
    assert.equal(ev.created, false);
    assert.match(String(ev.method), /subtract/);
    await waitFor('the test file to be saved', () => (readFileSync(file, 'utf8').includes(BODY.replace('}', '')) ? true : undefined), UI_TIMEOUT);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /void testSubtract\(\) \{/);
    assert.ok(text.includes('void testAdd()') && text.includes('void testDivideByZero()'), 'the existing tests are kept');
    assert.ok(await parses(file), `${file} does not parse:\n${text}`);
    // the file's own indentation (4 spaces): the body one level in, the closing brace under the signature
    assert.ok(text.includes(`\n    void testSubtract() {\n        ${BODY.replace('}', '')}\n    }\n`), text);
    assert.ok(!text.includes('\t'), 'no tab in a file indented with spaces');
  });

  it('the code lens above a method of a class without tests creates its test file', async function () {
    await vs.openFile('BoundedStack.java');
    const lens = vs.page.locator('.codelens-decoration a', { hasText: 'Generate test' });
    await lens.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await vs.screenshot('code-lenses');
    const before = vs.events().length;
    await lens.first().click();
    const ev = await vs.waitForEvent('testWritten', undefined, 240_000, before);
    await vs.screenshot('generated-by-code-lens');
    const file = ev.file as string;
    assert.equal(path.relative(ws, file), path.join(testPkg, 'BoundedStackTest.java'));
    assert.equal(ev.created, true);
    await waitFor('the new test file on disk', () => (existsSync(file) ? true : undefined), UI_TIMEOUT);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^package com\.example\.calculator;/);
    assert.match(text, /import org\.junit\.jupiter\.api\.Test;/);
    assert.ok(await parses(file), `${file} does not parse:\n${text}`);
  });

  it('with verification on, the test is compiled and run first, repaired with the observed value, and inserted passing', async function () {
    mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    const written = vs.events().length;
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'testtune.verify.enabled': true, 'testtune.verify.candidates': 1 }));
    // the editor picks a settings file change up asynchronously: generate only once the extension saw it
    await vs.waitForEvent('settingsChanged', undefined, UI_TIMEOUT, written);
    await vs.openFile('Q.java');
    const before = vs.events().length;
    await vs.goToLine(5); // inside f(int)
    await vs.runCommand('TestTune: Generate test');
    const ev = await vs.waitForEvent('testWritten', undefined, 300_000, before).catch(async (e) => {
      await vs.screenshot('verify-failed');
      throw new Error(`${(e as Error).message}; events: ${JSON.stringify(vs.events().slice(before))}`);
    });
    await vs.screenshot('generated-and-verified');
    assert.equal(ev.status, 'passes', JSON.stringify(ev));
    assert.match(String(ev.outcome), /passes · covers 1 of 1 lines of f/);
    const file = ev.file as string;
    assert.equal(path.relative(ws, file), path.join(testPkg, 'QTest.java'));
    await waitFor('the verified test on disk', () => (existsSync(file) && readFileSync(file, 'utf8').includes('assertEquals(6, y);') ? true : undefined), UI_TIMEOUT);
    assert.ok(await parses(file));
    // the later steps generate unverified (their scripted body does not call their focal methods)
    const off = vs.events().length;
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'testtune.verify.enabled': false }));
    await vs.waitForEvent('settingsChanged', undefined, UI_TIMEOUT, off);
  });

  it('no code lens in a test class (a test of a test is noise)', async function () {
    await vs.openFile('TextStats.java');
    const lens = vs.page.locator('.codelens-decoration a', { hasText: 'Generate test' });
    await lens.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT }); // lenses do show in a main class
    await vs.openFile('TextStatsTest.java');
    await waitFor('the main class\'s lenses to go', async () => ((await lens.count()) === 0 ? true : undefined), UI_TIMEOUT);
    await sleep(3000); // the provider had time to answer for the test file
    assert.equal(await lens.count(), 0, 'a lens in TextStatsTest.java');
    await vs.screenshot('no-lens-in-test-class');
  });

  it('the status bar opens the adapter picker, which switches to an adapter and back to the base model', async function () {
    await vs.waitForEvent('activated', undefined, UI_TIMEOUT);
    const item = vs.statusItem();
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match(await item.innerText(), /base/);
    assert.match(await item.innerText(), /CPU/);
    await item.click();
    const labels = await vs.quickPickLabels();
    assert.ok(labels.includes('Base model') && labels.includes('demo-lora'), `picker shows ${labels.join(', ')}`);
    await vs.screenshot('adapter-picker');
    let before = vs.events().length;
    await vs.pickQuickItem('demo-lora');
    await vs.waitForEvent('adapterSelected', (e) => e.adapter === 'demo-lora', UI_TIMEOUT, before);
    await waitFor('the status bar to show the adapter', async () => ((await item.innerText()).includes('demo-lora') ? true : undefined), UI_TIMEOUT);
    await vs.screenshot('adapter-selected');
    // generating with the adapter still works (the sidecar switched without reloading the model)
    await vs.openFile('Calculator.java');
    before = vs.events().length;
    await vs.goToLine(17); // inside add(int, int)
    await vs.runCommand('TestTune: Generate test');
    const ev = await vs.waitForEvent('testWritten', undefined, 240_000, before);
    assert.ok(await parses(ev.file as string));
    await item.click();
    await vs.quickPickLabels();
    before = vs.events().length;
    await vs.pickQuickItem('Base model');
    await vs.waitForEvent('adapterSelected', (e) => e.adapter === null, UI_TIMEOUT, before);
  });

  it('"Fine-tune adapter on this repo" trains a LoRA adapter on the project\'s tests; it appears in the picker', async function () {
    await vs.waitForEvent('activated', undefined, 120_000);
    const before = vs.events().length;
    await vs.runCommand('TestTune: Fine-tune adapter on this repo');
    const lora = vs.page.locator('.quick-input-list .monaco-list-row[aria-label*="LoRA"]');
    await lora.first().waitFor({ state: 'visible', timeout: 120_000 });
    const title = await vs.page.locator('.quick-input-title').innerText().catch(() => '');
    log(`fine-tune picker: ${title}`);
    // 4 pairs in the sample project, plus those of the tests generated by the earlier steps
    const m = /(\d+) pairs \((\d+) to train, (\d+) held out\)/.exec(title);
    assert.ok(m && Number(m[1]) >= 4 && Number(m[2]) > 0, `picker title: ${title}`);
    const details = await vs.page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(details.some((d) => /trainable parameters/.test(d)), `method details: ${details.join(' | ')}`);
    await vs.screenshot('fine-tune-methods');
    await lora.first().click();
    const done = await vs.waitForEvent('fineTuneDone', undefined, 420_000, before).catch(async (e) => {
      await vs.screenshot('fine-tune-failed');
      throw new Error(`${(e as Error).message}; events: ${JSON.stringify(vs.events().slice(before))}`);
    });
    const failed = vs.events().slice(before).find((e) => e.type === 'fineTuneFailed');
    assert.equal(failed, undefined, `fine-tuning failed: ${JSON.stringify(failed)}`);
    const name = done.adapter as string;
    log(`fine-tuned ${name} in ${done.ms} ms`);
    await vs.screenshot('fine-tune-done');
    const use = vs.page.locator('.notification-list-item .monaco-button', { hasText: 'Use adapter' });
    await use.first().waitFor({ state: 'visible', timeout: 240_000 });
    await vs.screenshot('fine-tune-webview');
    await use.first().click();
    await vs.waitForEvent('adapterSelected', (e) => e.adapter === name, UI_TIMEOUT, before);
    await vs.statusItem().click();
    const labels = await vs.quickPickLabels();
    assert.ok(labels.includes(name), `picker shows ${labels.join(', ')}`);
    await vs.screenshot('picker-with-new-adapter');
    await vs.page.keyboard.press('Escape');
    trained = name;
  });

  it('after an editor restart, the fine-tuned adapter is still in the repository, listed and selected', async function () {
    assert.ok(trained, 'the fine-tuning step ran');
    const adapterDir = path.join(ws, '.testtune', 'adapters', trained);
    assert.ok(existsSync(path.join(adapterDir, 'adapter_config.json')), `${adapterDir} holds the PEFT adapter`);
    const settings = JSON.parse(readFileSync(path.join(ws, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['testtune.adapter'], trained, 'the choice is in the workspace settings');
    const before = vs.events().length;
    await vs.restart();
    await vs.waitForEvent('activated', undefined, 120_000, before);
    const item = vs.statusItem();
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await waitFor('the status bar to show the adapter', async () => ((await item.innerText()).includes(trained) ? true : undefined), UI_TIMEOUT);
    await item.click();
    const labels = await vs.quickPickLabels();
    assert.ok(labels.includes(trained), `picker after the restart shows ${labels.join(', ')}`);
    await vs.screenshot('picker-after-restart');
    await vs.page.keyboard.press('Escape');
  });
});
