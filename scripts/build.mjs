// Bundles the entry points with esbuild and copies the tree-sitter wasm files beside them.
// Options: --out <dir> (default dist/), --entries cli,sidecar,... (default all). The default-model
// pipeline uses them for a private CLI snapshot that long training runs keep while dist/ is rebuilt.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const dist = path.resolve(opt('--out') ?? path.join(root, 'dist'));
const only = opt('--entries')?.split(',');
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM build leaves import.meta.url empty when bundled to CJS and Parser.init
// then crashes: alias the package to its CJS build.
const webTreeSitterCjs = require.resolve('web-tree-sitter');

const entries = {
  extension: 'src/extension/extension.ts',
  sidecar: 'src/sidecar/main.ts',
  cli: 'src/cli/main.ts',
  'model-worker': 'src/sidecar/worker.ts',
  'java-worker': 'src/java/analysis-worker.ts', // code lenses parse off the extension host's thread
};
const entryPoints = Object.fromEntries(
  Object.entries(entries)
    .filter(([name, file]) => existsSync(path.join(root, file)) && (!only || only.includes(name)))
    .map(([k, f]) => [k, path.join(root, f)]),
);

await esbuild.build({
  entryPoints,
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'onnxruntime-node'],
  alias: { 'web-tree-sitter': webTreeSitterCjs },
  logLevel: 'warning',
});

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
copyFileSync(path.join(path.dirname(require.resolve('tree-sitter-java/package.json')), 'tree-sitter-java.wasm'), path.join(dist, 'tree-sitter-java.wasm'));
console.log(`built ${Object.keys(entryPoints).join(', ')} into ${path.relative(root, dist) || '.'}/`);
