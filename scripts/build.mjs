// Bundles the three entry points with esbuild and copies the tree-sitter wasm files into dist/.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM build leaves import.meta.url empty when bundled to CJS and Parser.init
// then crashes: alias the package to its CJS build.
const webTreeSitterCjs = require.resolve('web-tree-sitter');

const entries = {
  extension: 'src/extension/extension.ts',
  sidecar: 'src/sidecar/main.ts',
  cli: 'src/cli/main.ts',
  'model-worker': 'src/sidecar/worker.ts',
};
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(path.join(root, file))).map(([k, f]) => [k, path.join(root, f)]),
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
console.log(`built ${Object.keys(entryPoints).join(', ')} into dist/`);
