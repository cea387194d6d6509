// Hostile model and adapter folders (what a downloaded or tampered folder can hold), and one load of a
// folder in its own process with a time limit: a loader that hangs (a FIFO) or grows without bound
// (/dev/zero) must show as a failed trial, not as a stuck test run. Used by the fault suite and the
// soak (`npm run bench -- --only faults`).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTinyAdapter, makeTinyModel } from '../../sidecar/helpers/tiny-model';

export interface HostileCase {
  name: string;
  /** 'model': loading must fail; 'adapter': the model loads and reports the adapter as skipped. */
  level: 'model' | 'adapter';
  /** The message must match: it names the file and the key. */
  expect: RegExp;
  make(modelDir: string): void;
}

const link = (target: string) => (file: string) => {
  fs.rmSync(file, { force: true });
  fs.symlinkSync(target, file);
};
const fifo = (file: string) => {
  fs.rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
};
const editJson = (file: string, edit: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(o);
  fs.writeFileSync(file, JSON.stringify(o));
};
const inModel = (name: string, fn: (file: string) => void) => (dir: string) => fn(path.join(dir, name));
const inAdapter = (name: string, fn: (file: string) => void) => (dir: string) => fn(path.join(dir, 'adapters', 'evil', name));
const setConfig = (key: string, value: unknown) => inModel('config.json', (f) => editJson(f, (o) => (o[key] = value)));

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'model.safetensors -> /dev/zero', level: 'model', expect: /model\.safetensors is a character device/, make: inModel('model.safetensors', link('/dev/zero')) },
  { name: 'model.safetensors is a FIFO', level: 'model', expect: /model\.safetensors is a FIFO/, make: inModel('model.safetensors', fifo) },
  { name: 'model.safetensors is a directory', level: 'model', expect: /model\.safetensors is a directory/, make: inModel('model.safetensors', (f) => (fs.rmSync(f), fs.mkdirSync(f))) },
  { name: 'config.json is a FIFO', level: 'model', expect: /config\.json is a FIFO/, make: inModel('config.json', fifo) },
  { name: 'config.json -> /dev/zero', level: 'model', expect: /config\.json is a character device/, make: inModel('config.json', link('/dev/zero')) },
  { name: 'tokenizer.json -> /dev/zero', level: 'model', expect: /tokenizer\.json is a character device/, make: inModel('tokenizer.json', link('/dev/zero')) },
  { name: 'tokenizer.json is a FIFO', level: 'model', expect: /tokenizer\.json is a FIFO/, make: inModel('tokenizer.json', fifo) },
  { name: 'num_hidden_layers 1e9', level: 'model', expect: /config\.json: 'num_hidden_layers' is 1000000000, but model\.safetensors holds 2 layers/, make: setConfig('num_hidden_layers', 1e9) },
  { name: 'max_position_embeddings 1e12', level: 'model', expect: /config\.json: 'max_position_embeddings' is 1000000000000, out of range/, make: setConfig('max_position_embeddings', 1e12) },
  { name: 'vocab_size 1e7', level: 'model', expect: /config\.json: 'vocab_size' is 10000000, but model\.embed_tokens\.weight in model\.safetensors has 260 rows/, make: setConfig('vocab_size', 1e7) },
  { name: 'hidden_size 2^30', level: 'model', expect: /config\.json: 'hidden_size' is 1073741824, out of range/, make: setConfig('hidden_size', 2 ** 30) },
  {
    name: 'safetensors header length 2^62',
    level: 'model',
    expect: /model\.safetensors: header length \d+ exceeds the file size/,
    make: inModel('model.safetensors', (f) => {
      const b = fs.readFileSync(f);
      b.writeBigUInt64LE(1n << 62n, 0);
      fs.writeFileSync(f, b);
    }),
  },
  {
    name: 'safetensors data beyond the file',
    level: 'model',
    expect: /model\.safetensors: the header places tensor data up to byte \d+, but the file has \d+ bytes; the file is truncated/,
    make: inModel('model.safetensors', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2))),
  },
  { name: 'adapter_model.safetensors -> /dev/zero', level: 'adapter', expect: /adapter_model\.safetensors is a character device/, make: inAdapter('adapter_model.safetensors', link('/dev/zero')) },
  { name: 'adapter_model.safetensors is a FIFO', level: 'adapter', expect: /adapter_model\.safetensors is a FIFO/, make: inAdapter('adapter_model.safetensors', fifo) },
  { name: 'adapter_config.json is a FIFO', level: 'adapter', expect: /adapter_config\.json is a FIFO/, make: inAdapter('adapter_config.json', fifo) },
  { name: "target_modules '(.*.*)*x'", level: 'adapter', expect: /adapter_config\.json 'target_modules': regex "\(\.\*\.\*\)\*x" took more than 250 ms/, make: inAdapter('adapter_config.json', (f) => editJson(f, (o) => (o.target_modules = '(.*.*)*x'))) },
  { name: 'LoRA r 1e9', level: 'adapter', expect: /adapter .*evil: tensor 'base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight' has shape \[4,64\], expected \[1000000000,64\]/, make: inAdapter('adapter_config.json', (f) => editJson(f, (o) => (o.r = 1e9))) },
];

/** A fresh tiny model (2 layers) with a LoRA adapter `adapters/evil`, then `c` applied to it. */
export function makeHostileFolder(dir: string, c: HostileCase): string {
  const tiny = makeTinyModel(dir, { config: { numLayers: 2 } });
  makeTinyAdapter(path.join(dir, 'adapters', 'evil'), tiny.cfg, 'LORA', { r: 4 });
  c.make(dir);
  return dir;
}

export interface LoadTrial {
  dir: string;
  /** 'rejected' (the model failed to load), 'loaded', or 'hung' (killed at the limit, or never reached). */
  outcome: 'rejected' | 'loaded' | 'hung';
  message: string; // the load error, or the adapter errors joined
  ms: number;
  maxRssMB: number; // the loading process's peak resident memory so far (all loads before included)
}

// Loads model folders one after the other, the way the sidecar's worker does (config, tokenizer,
// adapters, weights, graph), and prints one JSON line per folder.
const LOADER = `
const { loadEngine } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/model/engine.ts'))});
(async () => {
  for (const dir of process.argv.slice(1)) {
    const t0 = performance.now();
    let outcome, message;
    try {
      const e = await loadEngine(dir, { provider: 'cpu', cache: false, threads: 1 });
      [outcome, message] = ['loaded', e.adapterErrors.join('; ')];
      await e.dispose();
    } catch (e) {
      [outcome, message] = ['rejected', String(e && e.message)];
    }
    process.stdout.write(JSON.stringify({ dir, outcome, message, ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\\n');
  }
  process.exit(0);
})();
`;

/**
 * Loads each folder in one child process, in order. A load that gives no result within `limitMs`
 * is a hang: the child is killed, that folder is reported 'hung', and the rest go to a new child.
 */
export async function loadInChild(modelDirs: string[], limitMs = 20_000): Promise<LoadTrial[]> {
  const results: LoadTrial[] = [];
  let rest = [...modelDirs];
  while (rest.length) {
    const batch = rest;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', LOADER, ...batch], { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.resolve(__dirname, '../../..') });
    let out = '';
    let err = '';
    let got = 0;
    let last = performance.now();
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    };
    arm();
    child.stdout.on('data', (d) => {
      out += d;
      let i;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        try {
          results.push(JSON.parse(line) as LoadTrial);
          got++;
          last = performance.now();
          arm();
        } catch {
          // not a result line
        }
      }
    });
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(timer!);
    if (got < batch.length) {
      results.push({ dir: batch[got], outcome: 'hung', message: `no result within ${limitMs} ms (exit ${code}); stderr: ${err.slice(-500)}`, ms: performance.now() - last, maxRssMB: NaN });
      got++;
    }
    rest = batch.slice(got);
  }
  return results;
}
