// The extension's side of the model sidecar: one SidecarClient (src/sidecar/client.ts owns the process
// lifecycle, crash detection and restart with backoff); this file turns its events into the status
// bar's phases and log lines, and offers the few calls the commands need.
import path from 'node:path';
import type * as vscode from 'vscode';
import type { ExecutionProvider, QuantizationSetting } from '../config/settings';
import { SidecarClient, bundledSidecarLaunch, type StateChange } from '../sidecar/client';
import type { GenerateCall, TestGenerator } from '../pipeline/generator';
import { sidecarGenerator } from '../pipeline/sidecar-generator';
import type { AdapterInfo, GenerateResult } from '../sidecar/protocol';
import type { Log } from './log';
import type { SidecarPhase } from './status-text';

export interface BridgeOptions {
  extensionPath: string;
  modelDir: string;
  provider: ExecutionProvider;
  quantize: QuantizationSetting;
  adapter: { name: string; dir: string } | null;
  log: Log;
  onPhase(phase: SidecarPhase, detail?: string): void;
}

export interface BridgeStatus {
  modelName: string;
  provider: 'cuda' | 'webgpu' | 'cpu' | null;
  providerNote?: string;
  quantize: 'none' | 'int8' | 'int4' | null;
  adapter: string | null;
}

export class ModelBridge implements TestGenerator {
  private busy = 0;
  private readonly subs: { dispose(): void }[] = [];
  private readonly generator: TestGenerator;

  private constructor(
    readonly client: SidecarClient,
    private readonly opts: BridgeOptions,
  ) {
    this.generator = sidecarGenerator(client);
  }

  static async start(opts: BridgeOptions): Promise<ModelBridge> {
    const sidecarJs = path.join(opts.extensionPath, 'dist', 'sidecar.js');
    const client = new SidecarClient({
      launch: bundledSidecarLaunch(sidecarJs),
      initialize: { modelDir: opts.modelDir, provider: opts.provider, quantize: opts.quantize, adapterDirs: opts.adapter ? [opts.adapter.dir] : [], ...(opts.adapter ? { adapter: opts.adapter.name } : {}) },
    });
    const bridge = new ModelBridge(client, opts);
    bridge.subs.push(
      client.onLog((line) => opts.log.raw(line)),
      client.onDidChangeState((e) => bridge.stateChanged(e)),
    );
    try {
      await client.start();
      if (client.state === 'error') throw new Error(`the model did not load: ${client.lastError ?? 'unknown error'}`);
      if (opts.adapter) await client.request('adapters/select', { name: opts.adapter.name });
    } catch (e) {
      await bridge.dispose();
      throw e;
    }
    return bridge;
  }

  private stateChanged(e: StateChange): void {
    const log = this.opts.log;
    switch (e.state) {
      case 'starting':
        this.opts.onPhase(e.previous === 'crashed' ? 'restarting' : 'starting');
        break;
      case 'ready':
        if (e.previous === 'starting' && this.client.status) log.info(`sidecar ready (pid ${this.client.pid})`);
        this.opts.onPhase(this.busy > 0 ? 'busy' : 'ready');
        break;
      case 'error':
        log.error(`the sidecar could not load the model: ${e.detail ?? ''}`);
        this.opts.onPhase('error', e.detail);
        break;
      case 'crashed':
        log.error(`the sidecar crashed; restarting in ${e.restartInMs} ms. ${e.detail ?? ''}`);
        this.opts.onPhase('restarting', `crashed, restarting in ${Math.round((e.restartInMs ?? 0) / 1000)} s`);
        void import('vscode').then((v) => v.window.showWarningMessage(`TestTune: the model process crashed; restarting in ${Math.round((e.restartInMs ?? 0) / 1000)} s. See "TestTune: Show log".`));
        break;
      case 'failed':
        log.error(`the sidecar keeps crashing; gave up. ${e.detail ?? ''}`);
        this.opts.onPhase('error', 'the model process keeps crashing; see the log');
        void import('vscode').then((v) => v.window.showErrorMessage('TestTune: the model process keeps crashing and was not restarted. See "TestTune: Show log".'));
        break;
      case 'stopped':
      case 'disposed':
        this.opts.onPhase('stopped');
        break;
    }
  }

  status(): BridgeStatus {
    const s = this.client.status;
    return {
      modelName: s?.model?.name ?? path.basename(this.opts.modelDir),
      provider: s?.provider ?? null,
      providerNote: s?.providerNote,
      quantize: s?.quantize ?? null,
      adapter: s?.adapter ?? null,
    };
  }

  /** One generation through the sidecar (the pipeline's TestGenerator): the decoding comes from the call, `adapter` undefined = the current selection, null = the base model for this call. */
  async generate(prompt: string, call: GenerateCall): Promise<GenerateResult> {
    this.busy++;
    this.opts.onPhase('busy');
    try {
      return await this.generator.generate(prompt, call);
    } finally {
      this.busy--;
      if (this.client.state === 'ready') this.opts.onPhase(this.busy > 0 ? 'busy' : 'ready');
    }
  }

  /** Loads the adapter into the running model unless it already is. */
  async ensureLoaded(dir: string, name: string): Promise<void> {
    const loaded = await this.client.request('adapters/list', undefined);
    if (!loaded.some((a) => a.name === name)) await this.client.request('adapters/load', { dir });
  }

  /** Loads the adapter if needed and selects it (no model reload); null selects the base model. */
  async selectAdapter(dir: string | null, name: string | null): Promise<void> {
    if (dir && name) await this.ensureLoaded(dir, name);
    await this.client.request('adapters/select', { name });
  }

  async listAdapters(): Promise<AdapterInfo[]> {
    return this.client.request('adapters/list', undefined);
  }

  async dispose(): Promise<void> {
    for (const s of this.subs.splice(0)) s.dispose();
    await this.client.dispose();
  }
}
