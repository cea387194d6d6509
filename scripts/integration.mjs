// `npm run test:integration`: the packaged extension in a real VS Code.
//
// Default: code-server (VS Code 1.139 served to Debian's Chromium, driven by playwright-core).
//   1. installs code-server + Node 24 into .cache/tools (scripts/ci/install-code-server.sh; skipped
//      when already there),
//   2. packages the extension (scripts/package.mjs → .cache/integration/testtune.vsix),
//   3. runs mocha over test/integration/*.test.ts with TESTTUNE_VSIX set.
// With TESTTUNE_VSCODE_PATH set to a VS Code executable (a machine that has a desktop build), runs
// the @vscode/test-electron entry point instead (test/integration/electron/run.ts).
//
// Options: --skip-package (reuse the last .vsix), --grep <text> (mocha grep).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const t0 = Date.now();
const step = (name) => console.log(`integration: ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

if (process.env.TESTTUNE_VSCODE_PATH) {
  step(`VS Code at ${process.env.TESTTUNE_VSCODE_PATH}: @vscode/test-electron entry point`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test/integration/electron/run.ts')], { stdio: 'inherit', cwd: root });
  process.exit(r.status ?? 1);
}

const tools = process.env.TESTTUNE_TOOLS ?? path.join(root, '.cache', 'tools');
if (!existsSync(path.join(tools, 'code-server.sh'))) {
  step('installing code-server');
  execFileSync('bash', [path.join(root, 'scripts/ci/install-code-server.sh')], { stdio: 'inherit', cwd: root });
}

const outDir = path.join(root, '.cache', 'integration');
mkdirSync(outDir, { recursive: true });
const vsix = path.join(outDir, 'testtune.vsix');
if (!args.includes('--skip-package') || !existsSync(vsix)) {
  step('packaging the extension');
  execFileSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--out', vsix], { stdio: 'inherit', cwd: root });
}

step('running the suite in code-server');
const grepAt = args.indexOf('--grep');
const mochaArgs = [
  path.join(root, 'node_modules/mocha/bin/mocha.js'),
  '--import=tsx',
  '--timeout',
  '600000',
  '--bail',
  ...(grepAt >= 0 ? ['--grep', args[grepAt + 1]] : []),
  path.join(root, 'test/integration/*.test.ts'),
];
const r = spawnSync(process.execPath, mochaArgs, { stdio: 'inherit', cwd: root, env: { ...process.env, TESTTUNE_VSIX: vsix } });
step(`done, exit ${r.status}`);
process.exit(r.status ?? 1);
