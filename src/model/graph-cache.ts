// On-disk cache of the generated inference graph (ONNX with the weights inside), so a warm start
// skips reading safetensors, building and serialising: ONNX Runtime loads the file directly. Keyed
// by the model config, the adapter slots, the safetensors file's size and mtime, the graph variant
// (e.g. the quantisation) and GRAPH_VERSION (bump it whenever the emitted graph changes). One file is
// kept per variant, so switching between f32 and int8 does not rebuild each time. Lives in the user's
// cache folder ($XDG_CACHE_HOME/testtune or ~/.cache/testtune), one subfolder per model folder, never
// inside the model folder (a shipped or shared model stays untouched); the OS temp dir is the fallback.
// A failed write only costs the cache. A large graph is stored with its weights as ONNX external data
// (`<graph>.onnx.data` beside it) and its session is created from those files.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ModelConfig } from './config';
import type { AdapterSlots } from './family';
import { userCacheDir } from '../util/cache-dir';
import { weightFiles } from './weight-files';

const GRAPH_VERSION = 7; // 4: FusedMatMul(transB) on untransposed weights; 5: RotaryEmbedding + GroupQueryAttention; 6: rope.ts tables (scaling, partial, interleaved), more families; 7: int4, large graphs with external data

/** `<variant>-<hash>`; the variant (letters, digits, `_`) names the file family that one store replaces. */
export function graphCacheKey(modelDir: string, cfg: ModelConfig, slots: AdapterSlots, variant = 'f32'): string {
  if (!/^[A-Za-z0-9_]+$/.test(variant)) throw new Error(`graph cache variant must be letters, digits or _: ${JSON.stringify(variant)}`);
  const stats = weightFiles(modelDir).files.map((f) => fs.statSync(f));
  const st = { size: stats.map((x) => x.size).join('+'), mtimeMs: Math.max(...stats.map((x) => x.mtimeMs)) };
  const norm = {
    lora: [...(slots.lora?.targets ?? [])].sort(),
    ia3: [...(slots.ia3?.targets ?? [])].sort(),
    ff: [...(slots.ia3?.feedforward ?? [])].sort(),
    prompt: !!slots.prompt,
  };
  const h = createHash('sha256').update(JSON.stringify({ v: GRAPH_VERSION, cfg, norm, size: st.size, mtime: st.mtimeMs, variant })).digest('hex');
  return `${variant}-${h.slice(0, 24)}`;
}

/** Where the graphs of one model folder go, first writable one wins: the user's cache, then the temp dir. */
export function graphCacheDirs(modelDir: string): string[] {
  const id = createHash('sha256').update(path.resolve(modelDir)).digest('hex').slice(0, 16);
  return [path.join(userCacheDir(), 'graphs', id), path.join(os.tmpdir(), 'testtune-cache', id)];
}

/** Path of a cached graph for `key`, or undefined. */
export function findCachedGraph(modelDir: string, key: string): string | undefined {
  for (const dir of graphCacheDirs(modelDir)) {
    const f = path.join(dir, `decoder-${key}.onnx`);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/**
 * Stores the graph atomically (temp file + rename) without blocking the caller (the first load does
 * not wait for ~50 MB to reach the disk; the engine awaits it on dispose). Returns the path, or
 * undefined when no place is writable (a failed write only costs the cache).
 */
export async function storeCachedGraphAsync(modelDir: string, key: string, bytes: Uint8Array): Promise<string | undefined> {
  for (const dir of graphCacheDirs(modelDir)) {
    try {
      await fs.promises.mkdir(dir, { recursive: true });
      const f = path.join(dir, `decoder-${key}.onnx`);
      const tmp = `${f}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.promises.writeFile(tmp, bytes);
      for (const old of await fs.promises.readdir(dir)) if (isReplaced(old, key)) await fs.promises.rm(path.join(dir, old), { force: true });
      await fs.promises.rename(tmp, f);
      return f;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * Stores a graph with external data (`decoder-<key>.onnx` + `decoder-<key>.onnx.data`) through
 * `write(files)`, which writes both files under temporary names; they are renamed data first, so a
 * graph file is never there without its data. Synchronous: the session is created from these files.
 * Returns the graph's path, or undefined when no place is writable.
 */
export function storeCachedGraphExternal(modelDir: string, key: string, write: (files: { graph: string; data: string; location: string }) => void): string | undefined {
  for (const dir of graphCacheDirs(modelDir)) {
    const f = path.join(dir, `decoder-${key}.onnx`);
    const tmp = `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(dir, { recursive: true });
      write({ graph: f + tmp, data: `${f}.data${tmp}`, location: `${path.basename(f)}.data` });
      for (const old of fs.readdirSync(dir)) if (isReplaced(old, key)) fs.rmSync(path.join(dir, old), { force: true });
      fs.renameSync(`${f}.data${tmp}`, `${f}.data`);
      fs.renameSync(f + tmp, f);
      return f;
    } catch {
      for (const t of [f + tmp, `${f}.data${tmp}`]) fs.rmSync(t, { force: true }); // try the next place
    }
  }
  return undefined;
}

/** Files a store of `key` replaces: older graphs (and their external data) of the same variant, and of the unprefixed format. */
function isReplaced(file: string, key: string): boolean {
  const variant = key.slice(0, key.indexOf('-') + 1);
  const graph = file.endsWith('.onnx.data') ? file.slice(0, -'.data'.length) : file;
  return graph.endsWith('.onnx') && (graph.startsWith(`decoder-${variant}`) || /^decoder-[0-9a-f]{24}\.onnx$/.test(graph));
}
