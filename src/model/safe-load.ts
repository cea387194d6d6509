// Checks that keep a hostile or broken model/adapter folder from hanging the loader or exhausting its
// memory, kept apart from the readers (safetensors.ts, config.ts, adapters.ts) that call them:
// - model.safetensors and adapter_model.safetensors: a regular file whose header (read first) agrees
//   with its size, before the data is read;
// - config.json: values within ranges, and the layer count equal to the layers the weights hold (a
//   `num_hidden_layers` of 1e9 would otherwise make the loader list 1e9 layers before any check);
// - PEFT `target_modules` regexes: run with a time bound (a pattern such as `(.*.*)*x` backtracks for
//   minutes).
// Every message names the file and the key.
import { constants as bufferConstants } from 'node:buffer';
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { UnsafeFileError, openRegularFile, readExactly } from '../util/safe-read';
import type { ModelConfig } from './config';

/** A safetensors header larger than this is not a header (the default model's is a few KB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * The bytes of a safetensors file, read only after its header has been checked against the file's
 * size: a regular file, a header length within the file, and tensor data ending inside the file.
 * Structure errors inside the header are left to `parseSafetensors`, which names them.
 */
export function readSafetensorsBytes(file: string, maxBytes: number = bufferConstants.MAX_LENGTH): Buffer {
  const { fd, size } = openRegularFile(file);
  try {
    if (size > maxBytes) throw new UnsafeFileError(`${file}: ${size} bytes is more than can be loaded (${maxBytes})`);
    if (size < 8) return readExactly(fd, size, 0, file); // parseSafetensors reports "too short"
    const headerLen = readExactly(fd, 8, 0, file).readBigUInt64LE(0);
    if (headerLen > BigInt(Math.min(size - 8, MAX_SAFETENSORS_HEADER_BYTES)))
      throw new UnsafeFileError(`${file}: header length ${headerLen} exceeds the file size ${size}${headerLen > BigInt(MAX_SAFETENSORS_HEADER_BYTES) ? ` and the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit` : ''}`);
    const hl = Number(headerLen);
    const truncated = truncation(file, readExactly(fd, hl, 8, file), size);
    if (truncated) throw new UnsafeFileError(truncated);
    return readExactly(fd, size, 0, file);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Tensor names and shapes from a safetensors header, without reading the data (for checking a
 * config against its weights before anything is sized by the config). Undefined when the header
 * cannot be read as JSON: the full read reports that with its own message.
 */
export function readSafetensorsShapes(file: string): Map<string, { shape: number[] }> | undefined {
  const { fd, size } = openRegularFile(file);
  try {
    if (size < 8) return undefined;
    const headerLen = readExactly(fd, 8, 0, file).readBigUInt64LE(0);
    if (headerLen > BigInt(Math.min(size - 8, MAX_SAFETENSORS_HEADER_BYTES))) throw new UnsafeFileError(`${file}: header length ${headerLen} exceeds the file size ${size}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readExactly(fd, Number(headerLen), 8, file).toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const out = new Map<string, { shape: number[] }>();
    for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
      const shape = (entry as { shape?: unknown } | null)?.shape;
      if (name !== '__metadata__' && Array.isArray(shape)) out.set(name, { shape: shape as number[] });
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** The largest `data_offsets` end in a header, or undefined when the header is not readable JSON. */
/** The message for a safetensors file whose header (JSON bytes) places data beyond the file's `size`, else undefined. */
export function truncation(file: string, header: Buffer, size: number): string | undefined {
  const end = dataEnd(header);
  const hl = header.length;
  return end !== undefined && 8 + hl + end > size ? `${file}: the header places tensor data up to byte ${8 + hl + end}, but the file has ${size} bytes; the file is truncated` : undefined;
}

function dataEnd(header: Buffer): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  let end = 0;
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const off = (entry as { data_offsets?: unknown } | null)?.data_offsets;
    if (Array.isArray(off) && typeof off[1] === 'number' && Number.isFinite(off[1])) end = Math.max(end, off[1]);
  }
  return end;
}

/** Largest `max_position_embeddings` accepted: the KV cache and RoPE tables are sized by it. */
export const MAX_POSITIONS = 1 << 20;
/** Largest single dimension accepted (hidden, intermediate, vocabulary, heads × head_dim). */
export const MAX_DIMENSION = 1 << 24;

/** Range errors of a parsed config that the weights cannot reveal (`file`: the config's path). */
export function configRangeErrors(cfg: ModelConfig, file: string): string[] {
  const errors: string[] = [];
  const check = (key: string, value: number, max: number) => {
    if (value > max) errors.push(`${file}: '${key}' is ${value}, out of range (at most ${max})`);
  };
  check('max_position_embeddings', cfg.maxPositions, MAX_POSITIONS);
  check('hidden_size', cfg.hiddenSize, MAX_DIMENSION);
  check('intermediate_size', cfg.intermediateSize, MAX_DIMENSION);
  check('vocab_size', cfg.vocabSize, MAX_DIMENSION);
  check('num_attention_heads × head_dim', cfg.numHeads * cfg.headDim, MAX_DIMENSION);
  if (cfg.slidingWindow !== undefined) check('sliding_window', cfg.slidingWindow, MAX_POSITIONS);
  return errors;
}

/** Where a family keeps its layers (`layerPrefix(i)`, e.g. model.layers.3) and its token embedding. */
export interface WeightLayout {
  layerPrefix(i: number): string;
  embed: string;
}

/**
 * Errors where config.json disagrees with the weights in ways the per-tensor shape checks would find
 * only after unbounded work: the number of layers (from the tensor names under the family's layer
 * prefix) and the embedding's [vocab_size, hidden_size].
 */
export function configWeightErrors(cfg: ModelConfig, tensors: Map<string, { shape: number[] }>, configFile: string, weightsFile: string, layout: WeightLayout): string[] {
  const errors = configRangeErrors(cfg, configFile);
  const base = layout.layerPrefix(0).replace(/0$/, ''); // 'model.layers.' or 'transformer.h.'
  const layers = new Set<number>();
  for (const name of tensors.keys()) {
    if (!name.startsWith(base)) continue;
    const m = /^(\d+)\./.exec(name.slice(base.length));
    if (m) layers.add(Number(m[1]));
  }
  if (cfg.numLayers !== layers.size)
    errors.push(`${configFile}: 'num_hidden_layers' is ${cfg.numLayers}, but ${weightsFile} holds ${layers.size} layer${layers.size === 1 ? '' : 's'}`);
  const embed = tensors.get(layout.embed);
  if (embed && embed.shape.length === 2) {
    if (embed.shape[0] !== cfg.vocabSize) errors.push(`${configFile}: 'vocab_size' is ${cfg.vocabSize}, but ${layout.embed} in ${weightsFile} has ${embed.shape[0]} rows`);
    if (embed.shape[1] !== cfg.hiddenSize) errors.push(`${configFile}: 'hidden_size' is ${cfg.hiddenSize}, but ${layout.embed} in ${weightsFile} has ${embed.shape[1]} columns`);
  }
  return errors;
}

/** Time one PEFT regex may take over all candidate module names. */
export const REGEX_BUDGET_MS = 250;

/**
 * The candidates that `pattern` fully matches (PEFT semantics: `re.fullmatch`), run in a separate V8
 * context whose execution is stopped after `budgetMs`: a catastrophically backtracking pattern fails
 * with an error naming `where` instead of blocking the thread for minutes.
 */
export function boundedFullMatches(pattern: string, candidates: string[], where: string, budgetMs = REGEX_BUDGET_MS): boolean[] {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new Error(`${where}: regex ${JSON.stringify(pattern)} is invalid (${(e as Error).message})`);
  }
  try {
    const out = vm.runInNewContext('candidates.map((c) => re.test(c))', { re, candidates }, { timeout: budgetMs }) as boolean[];
    return Array.from(out, Boolean);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new Error(`${where}: regex ${JSON.stringify(pattern)} took more than ${budgetMs} ms to match ${candidates.length} module names (catastrophic backtracking?); write it without nested repetition, or list the modules`);
    throw new Error(`${where}: regex ${JSON.stringify(pattern)} failed (${(e as Error).message})`);
  }
}
