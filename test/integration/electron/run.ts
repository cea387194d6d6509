// @vscode/test-electron entry point, for machines that have a VS Code desktop build (it cannot be
// downloaded on ours): TESTTUNE_VSCODE_PATH names the executable. Runs suite.cjs inside VS Code's
// extension host against this checkout (dist/ must be built) on a copy of examples/calculator, with a
// tiny scripted model. `npm run test:integration` calls this when the variable is set.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { chain, makeScriptedModel } from '../../sidecar/helpers/tiny-model';
import { ROOT, copyProject } from '../harness';

async function main(): Promise<number> {
  const exe = process.env.TESTTUNE_VSCODE_PATH;
  if (!exe) throw new Error('set TESTTUNE_VSCODE_PATH to a VS Code executable');
  const ws = copyProject(path.join(ROOT, 'examples', 'calculator'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'testtune-electron-'));
  const modelDir = path.join(tmp, 'tiny-scripted');
  makeScriptedModel(modelDir, chain('\nint a=1;}'));
  const userData = path.join(tmp, 'user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'testtune.modelPath': modelDir, 'testtune.executionProvider': 'cpu', 'testtune.maxNewTokens': 48, 'testtune.saveAfterInsert': true }),
  );
  const events = path.join(tmp, 'events.jsonl');
  return runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, 'suite.cjs'),
    launchArgs: [ws, '--disable-extensions', '--user-data-dir', userData, '--disable-workspace-trust'],
    extensionTestsEnv: { TESTTUNE_EVENTS_FILE: events, TESTTUNE_WORKSPACE: ws },
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
