// Shared state of the extension: settings, the model folder, the adapter selection (the workspace's
// `testtune.adapter` setting; adapters in `<workspace>/.testtune/adapters`, see adapter-choice.ts),
// the lazily started model sidecar, and a change event for the status bar and the picker.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { readSettings, type TestTuneSettings } from '../config/settings';
import { defaultAdapterOf } from '../model/adapters';
import { ensureWorkspaceDir, findAdapters, resolveAdapterChoice, settingValueFor, workspaceAdaptersDir } from './adapter-choice';
import type { FoundAdapter } from './adapter-scan';
import { emitEvent } from './events';
import { errorText, type Log } from './log';
import type { ModelBridge } from './model-bridge';
import { providerNotice, type StatusSnapshot, type SidecarPhase } from './status-text';

// where versions before the `.testtune/` folder stored the pick (workspace state); read, then cleared
const LEGACY_ADAPTER_KEY = 'testtune.adapter';

export class Services implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private bridge: Promise<ModelBridge> | undefined;
  private phase: SidecarPhase = 'stopped';
  private detail: string | undefined;
  private provider: 'cuda' | 'webgpu' | 'cpu' | null = null;
  private providerNote: string | undefined;
  private readonly reportedSettingErrors = new Set<string>();
  private readonly reportedProviderNotes = new Set<string>(); // each note reaches the log once per session
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('testtune')) {
          this.changed.fire();
          emitEvent({ type: 'settingsChanged' });
        }
        if (e.affectsConfiguration('testtune.adapter')) void this.followAdapterSetting();
        if (e.affectsConfiguration('testtune.modelPath') || e.affectsConfiguration('testtune.executionProvider') || e.affectsConfiguration('testtune.model.quantization'))
          void this.restartModel('settings changed');
      }),
    );
  }

  settings(resource?: vscode.Uri): TestTuneSettings {
    const cfg = vscode.workspace.getConfiguration(undefined, resource);
    const r = readSettings((k) => cfg.get(k));
    for (const e of r.errors) {
      if (this.reportedSettingErrors.has(e)) continue;
      this.reportedSettingErrors.add(e);
      this.log.warn(`setting ignored: ${e}`);
      void vscode.window.showWarningMessage(`TestTune: ${e}`);
    }
    return r.value;
  }

  /** The model folder: the setting, else the first model shipped under the extension's models/. */
  modelDir(): { dir?: string; error?: string } {
    const set = this.settings().modelPath;
    if (set) {
      const dir = path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', set);
      if (!existsSync(path.join(dir, 'config.json'))) return { error: `testtune.modelPath "${set}" has no config.json (looked in ${dir})` };
      return { dir };
    }
    const root = path.join(this.context.extensionPath, 'models');
    const names = existsSync(root) ? readdirSync(root).sort() : [];
    const found = names.find((n) => existsSync(path.join(root, n, 'config.json')));
    if (!found) return { error: `no model found: the extension ships none under ${root}; set testtune.modelPath to a model folder` };
    return { dir: path.join(root, found) };
  }

  /** The workspace folder that holds `.testtune/` (the first one; fine-tuning asks when there are several). */
  workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** Where adapters fine-tuned in `workspaceRoot` are written: `<workspace>/.testtune/adapters`. */
  workspaceAdaptersDir(workspaceRoot: string): string {
    ensureWorkspaceDir(workspaceRoot);
    return workspaceAdaptersDir(workspaceRoot);
  }

  /** Where older versions wrote adapters (the editor's per-workspace storage): still listed. */
  private legacyAdaptersDir(): string {
    const base = this.context.storageUri?.fsPath ?? this.context.globalStorageUri.fsPath;
    return path.join(base, 'adapters');
  }

  adapters(): FoundAdapter[] {
    const m = this.modelDir();
    const r = findAdapters({
      modelDir: m.dir,
      workspaceRoots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      legacyStorageDir: this.legacyAdaptersDir(),
    });
    for (const p of r.problems) this.log.warn(p);
    return r.adapters;
  }

  /**
   * The selected adapter (null: the base model): the workspace's `testtune.adapter` setting, which the
   * picker writes; else a pick stored by an older version; else the model's default adapter.
   */
  selectedAdapter(): string | null {
    const m = this.modelDir();
    let modelDefault: string | null = null;
    if (m.dir) {
      const d = defaultAdapterOf(m.dir);
      if (d.warning && d.declared && !this.reportedSettingErrors.has(d.warning)) {
        this.reportedSettingErrors.add(d.warning);
        this.log.warn(`default adapter: ${d.warning}`);
      }
      modelDefault = d.name;
    }
    return resolveAdapterChoice({ setting: this.settings().adapter, legacyPick: this.context.workspaceState.get<string | null>(LEGACY_ADAPTER_KEY), modelDefault }).name;
  }

  /** Records the pick in the workspace's settings (in the repository) and switches the running model. */
  async selectAdapter(name: string | null): Promise<void> {
    if (vscode.workspace.workspaceFolders?.length) {
      await vscode.workspace.getConfiguration('testtune').update('adapter', settingValueFor(name), vscode.ConfigurationTarget.Workspace);
      await this.context.workspaceState.update(LEGACY_ADAPTER_KEY, undefined);
    } else await this.context.workspaceState.update(LEGACY_ADAPTER_KEY, name); // no folder: no workspace settings
    this.log.info(`adapter selected: ${name ?? 'base model'}`);
    if (this.bridge) {
      const b = await this.bridge;
      await b.selectAdapter(name ? this.adapters().find((a) => a.name === name)?.dir ?? null : null, name);
    }
    emitEvent({ type: 'adapterSelected', adapter: name });
    this.changed.fire();
  }

  /** The setting changed (the picker, or the user editing settings.json): the running model follows. */
  private async followAdapterSetting(): Promise<void> {
    if (!this.bridge) return;
    const name = this.selectedAdapter();
    try {
      const b = await this.bridge;
      await b.selectAdapter(name ? this.adapters().find((a) => a.name === name)?.dir ?? null : null, name);
    } catch (e) {
      this.log.warn(`could not switch to adapter ${name ?? 'base model'}: ${errorText(e)}`);
    }
  }

  /** The model sidecar, started on first use. */
  model(): Promise<ModelBridge> {
    if (!this.bridge) {
      const p = this.startModel();
      this.bridge = p;
      p.catch(() => {
        if (this.bridge === p) this.bridge = undefined; // the next use tries again
      });
    }
    return this.bridge;
  }

  private async startModel(): Promise<ModelBridge> {
    const m = this.modelDir();
    if (!m.dir) {
      this.setPhase('error', m.error);
      throw new Error(m.error);
    }
    const { ModelBridge } = await import('./model-bridge');
    const s = this.settings();
    const selected = this.selectedAdapter();
    const adapterDir = selected ? this.adapters().find((a) => a.name === selected)?.dir : undefined;
    if (selected && !adapterDir) this.log.warn(`selected adapter ${selected} is not on disk any more; using the base model`);
    this.setPhase('starting');
    const t0 = Date.now();
    try {
      const bridge = await ModelBridge.start({
        extensionPath: this.context.extensionPath,
        modelDir: m.dir,
        provider: s.executionProvider,
        quantize: s.quantization,
        adapter: adapterDir ? { name: selected!, dir: adapterDir } : null,
        log: this.log,
        onPhase: (phase, detail) => this.setPhase(phase, detail),
      });
      const st = bridge.status();
      this.provider = st.provider;
      this.providerNote = st.providerNote;
      this.reportProvider(s.executionProvider, st.provider, st.providerNote);
      this.log.info(`model ${st.modelName} ready on ${st.provider?.toUpperCase()} in ${Date.now() - t0} ms`);
      this.setPhase('ready');
      return bridge;
    } catch (err) {
      this.setPhase('error', errorText(err));
      throw err;
    }
  }

  /** The provider note goes to the log once (the tooltip shows it); a toast only for an explicit 'cuda'. */
  private reportProvider(preference: TestTuneSettings['executionProvider'], provider: 'cuda' | 'webgpu' | 'cpu' | null, note: string | undefined): void {
    const notice = providerNotice(preference, provider, note);
    if (!notice || this.reportedProviderNotes.has(notice.log)) return;
    this.reportedProviderNotes.add(notice.log);
    this.log.info(notice.log);
    if (notice.toast) {
      void vscode.window.showWarningMessage(notice.toast, 'Show log').then((choice) => {
        if (choice === 'Show log') this.log.show();
      });
    }
  }

  setPhase(phase: SidecarPhase, detail?: string): void {
    if (phase === this.phase && detail === this.detail) return;
    this.phase = phase;
    this.detail = detail;
    emitEvent({ type: 'sidecar', state: phase, detail });
    this.changed.fire();
  }

  snapshot(): StatusSnapshot {
    const m = this.modelDir();
    return {
      modelName: m.dir ? path.basename(m.dir) : 'no model',
      adapter: this.selectedAdapter(),
      provider: this.provider,
      providerPreference: this.settings().executionProvider,
      quantize: this.settings().quantization,
      providerNote: this.providerNote,
      phase: m.dir ? this.phase : 'error',
      detail: m.dir ? this.detail : m.error,
    };
  }

  async restartModel(why: string): Promise<void> {
    if (!this.bridge) return;
    this.log.info(`restarting the model sidecar: ${why}`);
    const old = this.bridge;
    this.bridge = undefined;
    this.provider = null;
    this.providerNote = undefined;
    this.setPhase('stopped');
    try {
      await (await old).dispose();
    } catch {
      // it failed to start: nothing to stop
    }
  }

  async shutdown(): Promise<void> {
    const b = this.bridge;
    this.bridge = undefined;
    if (b) await (await b).dispose().catch(() => undefined);
  }

  dispose(): void {
    void this.shutdown();
    for (const d of this.disposables) d.dispose();
  }
}
