// The ONE definition of the sidecar's JSON-RPC 2.0 protocol, shared by the sidecar (main.ts) and its
// host (client.ts). Requests and notifications are tables typed by method name. Training is not part of
// it: the extension runs `testtune train` as a child process (src/extension/cli-runner.ts).
//
// Plain data only: everything here crosses a process boundary as JSON.
import { PROVIDER_VALUES, QUANTIZE_VALUES, type AdapterInfo, type GenerateResult, type ProviderPreference, type Quantize, type StopReason } from '../model/engine-api';

export type { AdapterInfo, GenerateResult, ProviderPreference, Quantize, StopReason };

export const PROTOCOL_VERSION = 1;

// ---- JSON-RPC 2.0 envelopes -------------------------------------------------------------------

export type RequestId = number | string;

export interface RpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: unknown;
}

export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: unknown;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface RpcSuccess {
  jsonrpc: '2.0';
  id: RequestId;
  result: unknown;
}

export interface RpcFailure {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: RpcErrorObject;
}

export type RpcResponse = RpcSuccess | RpcFailure;

/** Standard JSON-RPC codes plus this protocol's own (the -32000..-32099 server range, and LSP's cancel code). */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  NotInitialized: -32002,
  ModelLoadFailed: -32010,
  AdapterFailed: -32011,
  GenerateFailed: -32012,
  WorkerCrashed: -32013,
  RequestCancelled: -32800,
} as const;

// ---- Method payloads ----------------------------------------------------------------------------

export interface InitializeParams {
  modelDir: string;
  provider: ProviderPreference;
  /** Adapter directories to load right after the model (their names become selectable). */
  adapterDirs?: string[];
  /** Base-weight precision: 'none' (f32, the default), 'int8' (dynamic quantisation of every MatMul) or 'int4' (MatMulNBits, weight-only). */
  quantize?: Quantize;
  /** Adapter (by name) to select once the model and `adapterDirs` are loaded; only its graph is built. */
  adapter?: string;
  /** The client's deadline for this request in ms (SidecarClient fills it): a load that hangs on a GPU is given up in time to load on the CPU. */
  deadlineMs?: number;
}

export type SidecarState = 'uninitialized' | 'loading' | 'ready' | 'generating' | 'error';

export interface MemoryInfo {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

/** What the host shows: model, adapter, provider in use (+ why, when it differs from the preference), memory. */
export interface SidecarStatus {
  protocolVersion: number;
  state: SidecarState;
  pid: number;
  model: { name: string; dir: string; parameters: number } | null;
  adapter: string | null;
  provider: 'cuda' | 'webgpu' | 'cpu' | null;
  providerNote?: string;
  /** Precision of the loaded graph; null until a model is loaded. */
  quantize: Quantize | null;
  memory: MemoryInfo;
  /** Last load/initialize error, when state is 'error'. */
  error?: string;
}

export interface GenerateParams {
  context: string; // the full prompt (focal context, ending where the model should continue)
  adapter?: string | null; // adapter name; undefined = the current selection, null = none for this call
  maxNewTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  repetitionPenalty?: number; // >= 1; 1 or absent = plain greedy
  loopGuard?: number; // integer 0..100; 0, 1 or absent = off; n >= 2: never n back-to-back copies of one unit (decode.ts)
  syntaxGuard?: boolean; // true: refuse tokens that break the method's brackets, wrap up near the limit (decode.ts); absent = off
  requireCall?: string; // a Java identifier: the method may not close before calling it (src/java/decoding/focal-call.ts); absent = off
  forbiddenNames?: string[]; // at most 64 Java identifiers never written in code (src/java/decoding/forbidden-names.ts); absent = none
  stopWhenBalanced?: boolean;
  /** The client's deadline for this request in ms (SidecarClient fills it): on a GPU the sidecar stops first and says why. */
  deadlineMs?: number;
  symbols?: unknown; // plain JSON for the symbol constraint (src/java/decoding/symbol-constraint.ts: {scope, bodyBefore?, testClass?}); absent = off
}

/** Streamed while a `generate` request runs; `id` is the id of that request. */
export interface GeneratePartial {
  id: RequestId;
  seq: number; // 0, 1, 2, … per request, so a host can check it saw every delta
  delta: string;
}

export interface CancelParams {
  id: RequestId;
}

export interface AdapterLoadParams {
  dir: string;
}

export interface AdapterSelectParams {
  name: string | null;
}

/** Requests: method → params and result. */
export interface RequestMap {
  initialize: { params: InitializeParams; result: SidecarStatus };
  status: { params: Record<string, never> | undefined; result: SidecarStatus };
  generate: { params: GenerateParams; result: GenerateResult };
  'adapters/list': { params: Record<string, never> | undefined; result: AdapterInfo[] };
  'adapters/load': { params: AdapterLoadParams; result: AdapterInfo };
  'adapters/select': { params: AdapterSelectParams; result: SidecarStatus };
  /** Disposes the engine and exits the process once answered. */
  shutdown: { params: Record<string, never> | undefined; result: null };
}

/** Notifications in either direction: method → params. */
export interface NotificationMap {
  'generate/partial': GeneratePartial;
  '$/cancelRequest': CancelParams;
  status: SidecarStatus;
}

export type RequestMethod = keyof RequestMap & string;
export type NotificationMethod = keyof NotificationMap & string;
export type ParamsOf<M extends RequestMethod> = RequestMap[M]['params'];
export type ResultOf<M extends RequestMethod> = RequestMap[M]['result'];

// ---- Envelope classification (never throws) -----------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is RequestId {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export type Classified =
  | { kind: 'request'; msg: RpcRequest }
  | { kind: 'notification'; msg: RpcNotification }
  | { kind: 'response'; msg: RpcResponse }
  | { kind: 'invalid'; id: RequestId | null; error: string };

/** Sorts a parsed JSON value into request / notification / response, or says why it is none of them. */
export function classify(v: unknown): Classified {
  if (!isObject(v)) return { kind: 'invalid', id: null, error: 'message is not a JSON object' };
  const id = isId(v.id) ? v.id : null;
  if (v.jsonrpc !== '2.0') return { kind: 'invalid', id, error: 'jsonrpc must be "2.0"' };
  if (typeof v.method === 'string') {
    if (v.params !== undefined && typeof v.params !== 'object') {
      return { kind: 'invalid', id, error: 'params must be an object or an array' };
    }
    if ('id' in v && v.id !== undefined) {
      if (!isId(v.id)) return { kind: 'invalid', id: null, error: 'id must be a number or a string' };
      return { kind: 'request', msg: v as unknown as RpcRequest };
    }
    return { kind: 'notification', msg: v as unknown as RpcNotification };
  }
  if ('result' in v || 'error' in v) {
    if (v.id !== null && !isId(v.id)) return { kind: 'invalid', id: null, error: 'response id must be a number, a string or null' };
    if ('error' in v) {
      const e = v.error;
      if (!isObject(e) || typeof e.code !== 'number' || typeof e.message !== 'string') {
        return { kind: 'invalid', id, error: 'error must be {code: number, message: string}' };
      }
    }
    return { kind: 'response', msg: v as unknown as RpcResponse };
  }
  return { kind: 'invalid', id, error: 'message has neither method nor result/error' };
}

export function request(id: RequestId, method: string, params?: unknown): RpcRequest {
  return params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
}

export function notification(method: string, params?: unknown): RpcNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

export function success(id: RequestId, result: unknown): RpcSuccess {
  return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
}

export function failure(id: RequestId | null, code: number, message: string, data?: unknown): RpcFailure {
  const error: RpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

/** An error carrying a JSON-RPC code, thrown by handlers and raised by the client for error responses. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

// ---- Params validation for the built-in requests (never throws) ---------------------------------

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const PROVIDERS: readonly ProviderPreference[] = PROVIDER_VALUES;

function fail<T>(error: string): Checked<T> {
  return { ok: false, error };
}

function optNumber(p: Record<string, unknown>, key: string, check: (n: number) => boolean, what: string): string | null {
  const v = p[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) return `${key} must be ${what}`;
  return null;
}

export function checkInitialize(p: unknown): Checked<InitializeParams> {
  if (!isObject(p)) return fail('initialize needs params {modelDir, provider}');
  if (typeof p.modelDir !== 'string' || p.modelDir === '') return fail('modelDir must be a non-empty string');
  const provider = p.provider === undefined ? 'auto' : p.provider;
  if (!PROVIDERS.includes(provider as ProviderPreference)) return fail(`provider must be one of ${PROVIDERS.join(', ')}`);
  if (p.adapterDirs !== undefined && (!Array.isArray(p.adapterDirs) || !p.adapterDirs.every((d) => typeof d === 'string'))) {
    return fail('adapterDirs must be an array of strings');
  }
  if (p.adapter !== undefined && (typeof p.adapter !== 'string' || p.adapter === '')) return fail('adapter must be a non-empty string (an adapter name)');
  if (p.quantize !== undefined && !QUANTIZE_VALUES.includes(p.quantize as Quantize)) return fail(`quantize must be one of ${QUANTIZE_VALUES.join(', ')}`);
  const badDeadline = optNumber(p, 'deadlineMs', (n) => Number.isInteger(n) && n >= 1 && n <= 7 * 24 * 3600_000, 'a positive integer (ms)');
  if (badDeadline) return fail(badDeadline);
  const value: InitializeParams = { modelDir: p.modelDir, provider: provider as ProviderPreference, adapterDirs: p.adapterDirs as string[] | undefined };
  if (p.quantize !== undefined) value.quantize = p.quantize as Quantize;
  if (p.adapter !== undefined) value.adapter = p.adapter as string;
  if (p.deadlineMs !== undefined) value.deadlineMs = p.deadlineMs as number;
  return { ok: true, value };
}

export function checkGenerate(p: unknown): Checked<GenerateParams> {
  if (!isObject(p)) return fail('generate needs params {context, maxNewTokens}');
  if (typeof p.context !== 'string') return fail('context must be a string');
  if (typeof p.maxNewTokens !== 'number' || !Number.isInteger(p.maxNewTokens) || p.maxNewTokens < 1) {
    return fail('maxNewTokens must be a positive integer');
  }
  if (p.adapter !== undefined && p.adapter !== null && typeof p.adapter !== 'string') return fail('adapter must be a string or null');
  const bad =
    optNumber(p, 'temperature', (n) => n >= 0, 'a number >= 0') ??
    optNumber(p, 'topP', (n) => n > 0 && n <= 1, 'a number in (0, 1]') ??
    optNumber(p, 'seed', (n) => Number.isInteger(n), 'an integer') ??
    optNumber(p, 'repetitionPenalty', (n) => n >= 1 && n <= 10, 'a number in [1, 10]') ??
    optNumber(p, 'loopGuard', (n) => Number.isInteger(n) && n >= 0 && n <= 100, 'an integer in [0, 100] (0 or 1 = off)') ??
    optNumber(p, 'deadlineMs', (n) => Number.isInteger(n) && n >= 1 && n <= 7 * 24 * 3600_000, 'a positive integer (ms)');
  if (bad) return fail(bad);
  if (p.stopWhenBalanced !== undefined && typeof p.stopWhenBalanced !== 'boolean') return fail('stopWhenBalanced must be a boolean');
  if (p.syntaxGuard !== undefined && typeof p.syntaxGuard !== 'boolean') return fail('syntaxGuard must be a boolean');
  if (p.requireCall !== undefined && (typeof p.requireCall !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(p.requireCall))) return fail('requireCall must be a Java identifier (the focal method\'s name)');
  if (p.forbiddenNames !== undefined && (!Array.isArray(p.forbiddenNames) || p.forbiddenNames.length > 64 || !p.forbiddenNames.every((n) => typeof n === 'string' && /^[A-Za-z_$][\w$]*$/.test(n)))) {
    return fail('forbiddenNames must be an array of at most 64 Java identifiers');
  }
  if (p.symbols !== undefined && !isObject(p.symbols)) return fail('symbols must be an object (the symbol constraint\'s {scope, bodyBefore?, testClass?})');
  return { ok: true, value: p as unknown as GenerateParams };
}

export function checkAdapterLoad(p: unknown): Checked<AdapterLoadParams> {
  if (!isObject(p) || typeof p.dir !== 'string' || p.dir === '') return fail('adapters/load needs params {dir: string}');
  return { ok: true, value: { dir: p.dir } };
}

export function checkAdapterSelect(p: unknown): Checked<AdapterSelectParams> {
  if (!isObject(p) || !('name' in p) || (p.name !== null && typeof p.name !== 'string')) {
    return fail('adapters/select needs params {name: string | null}');
  }
  return { ok: true, value: { name: p.name as string | null } };
}

export function checkCancel(p: unknown): Checked<CancelParams> {
  if (!isObject(p) || !isId(p.id)) return fail('$/cancelRequest needs params {id}');
  return { ok: true, value: { id: p.id } };
}
