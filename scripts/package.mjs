// `npm run package`: builds the bundles, stages the extension (dist, models, media, manifest, README)
// plus the ONNX Runtime binding for one platform, and packs it into a .vsix with @vscode/vsce.
//
// vsce runs with --no-dependencies (everything is bundled by esbuild), so the one external runtime
// dependency, onnxruntime-node, is copied into dist/node_modules/ where dist/sidecar.js resolves it —
// only the target platform's native binding (linux-x64 by default, `--target <os>-<arch>`).
//
// Usage: node scripts/package.mjs [--target linux-x64] [--out file.vsix] [--skip-build]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const target = opt('target', 'linux-x64');
const [os, arch] = target.split('-');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(opt('out', path.join(root, `${pkg.name}-${pkg.version}-${target}.vsix`)));
mkdirSync(path.dirname(out), { recursive: true });
const t0 = Date.now();

if (!args.includes('--skip-build')) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
for (const f of ['dist/extension.js']) {
  if (!existsSync(path.join(root, f))) throw new Error(`package: ${f} is missing; the build did not produce it`);
}

const stage = path.join(root, '.cache', 'package', target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// Manifest: no dependencies (bundled), no scripts (vsce would run vscode:prepublish), no devDependencies.
const manifest = { ...pkg };
delete manifest.dependencies;
delete manifest.devDependencies;
delete manifest.scripts;
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

const copy = (rel, dest = rel, filter) => {
  const src = path.join(root, rel);
  if (!existsSync(src)) return false;
  cpSync(src, path.join(stage, dest), { recursive: true, filter, dereference: true });
  return true;
};
copy('dist', 'dist', (src) => !src.includes(`${path.sep}node_modules${path.sep}`));
copy('models');
copy('media');
if (!copy('README.md')) writeFileSync(path.join(stage, 'README.md'), `# ${pkg.displayName}\n\n${pkg.description}\n`);
copy('LICENSE');
copy('.vscodeignore');

// ONNX Runtime: the JS of onnxruntime-node and onnxruntime-common, and one platform's binaries.
const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
// onnxruntime-common's exports hide package.json: find its folder from its entry point.
const commonMain = require.resolve('onnxruntime-common', { paths: [ortDir] });
const commonDir = commonMain.slice(0, commonMain.lastIndexOf(`${path.sep}onnxruntime-common${path.sep}`) + `${path.sep}onnxruntime-common`.length);
const nm = path.join(stage, 'dist', 'node_modules');
cpSync(path.join(ortDir, 'package.json'), path.join(nm, 'onnxruntime-node', 'package.json'));
cpSync(path.join(ortDir, 'dist'), path.join(nm, 'onnxruntime-node', 'dist'), { recursive: true, filter: (s) => !s.endsWith('.map') && !s.endsWith('.d.ts') });
const napi = readdirSync(path.join(ortDir, 'bin')).filter((d) => d.startsWith('napi-'));
let binaries = 0;
for (const v of napi) {
  const bin = path.join(ortDir, 'bin', v, os, arch);
  if (!existsSync(bin)) continue;
  cpSync(bin, path.join(nm, 'onnxruntime-node', 'bin', v, os, arch), { recursive: true });
  binaries++;
}
if (binaries === 0) throw new Error(`package: onnxruntime-node has no binding for ${target} (looked in ${napi.join(', ')})`);
cpSync(path.join(commonDir, 'package.json'), path.join(nm, 'onnxruntime-common', 'package.json'));
cpSync(path.join(commonDir, 'dist'), path.join(nm, 'onnxruntime-common', 'dist'), { recursive: true, filter: (s) => !s.endsWith('.map') && !s.endsWith('.d.ts') && !s.includes(`${path.sep}esm${path.sep}`) });

const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
// vsce lists every packaged file; keep its verdict lines only (the full listing: `vsce ls` in the stage).
const vsceOut = execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--target', target, '--out', out], {
  cwd: stage,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
for (const line of vsceOut.split('\n')) if (/DONE|ERROR|WARNING|large/.test(line)) console.log(`vsce: ${line.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
const mb = (statSync(out).size / 1048576).toFixed(1);
console.log(`package: ${path.relative(root, out)} (${mb} MiB, ${target}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
