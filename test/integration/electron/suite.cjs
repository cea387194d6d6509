// Runs inside VS Code's extension host (@vscode/test-electron; see run.ts). Plain CommonJS so no
// compiler is needed there. Drives the extension through its commands and checks the files it writes.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

async function waitFor(what, fn, ms = 120000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function events() {
  const f = process.env.TESTTUNE_EVENTS_FILE;
  if (!f || !fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

exports.run = async function run() {
  const ws = process.env.TESTTUNE_WORKSPACE;
  const focal = path.join(ws, 'src/main/java/com/example/calculator/Calculator.java');
  const doc = await vscode.workspace.openTextDocument(focal);
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension('testtune.testtune');
  assert.ok(ext, 'the extension is installed');
  await waitFor('activation', () => ext.isActive);
  const commands = await vscode.commands.getCommands(true);
  for (const c of ['testtune.generateTest', 'testtune.fineTuneAdapter', 'testtune.selectAdapter', 'testtune.evaluateAdapter', 'testtune.showLog']) {
    assert.ok(commands.includes(c), `${c} is registered`);
  }
  const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri);
  assert.ok(lenses.some((l) => l.command && l.command.title === 'Generate test'), 'code lenses are provided');
  const line = doc.getText().split('\n').findIndex((l) => l.includes('subtractExact'));
  const written = await vscode.commands.executeCommand('testtune.generateTest', { uri: doc.uri.toString(), line });
  assert.ok(written, `a test was written (events: ${JSON.stringify(events())})`);
  const text = fs.readFileSync(written, 'utf8');
  assert.match(text, /void testSubtract\(\) \{/);
  assert.match(text, /void testAdd\(\)/);
  console.log(`electron suite: wrote ${written}`);
};
