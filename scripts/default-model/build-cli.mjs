// Bundles a private snapshot of the CLI into $DM/bin (default /work/data/dm/bin), so that hours-long
// training runs keep using one fixed build while others rebuild dist/. Same esbuild settings as
// scripts/build.mjs. Run the snapshot with NODE_PATH=<repo>/node_modules (onnxruntime-node is external).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const out = path.join(process.env.DM ?? '/work/data/dm', 'bin');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: { cli: path.join(root, 'src/cli/main.ts') },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'onnxruntime-node'],
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  logLevel: 'warning',
});
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(out, 'web-tree-sitter.wasm'));
copyFileSync(path.join(path.dirname(require.resolve('tree-sitter-java/package.json')), 'tree-sitter-java.wasm'), path.join(out, 'tree-sitter-java.wasm'));
console.log(`built ${out}/cli.js`);
