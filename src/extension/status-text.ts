// What the status bar says, as plain data (no `vscode` import, so unit tests check it).

export type SidecarPhase = 'stopped' | 'starting' | 'ready' | 'busy' | 'restarting' | 'error';

export interface StatusSnapshot {
  modelName: string; // from the model folder, known before the sidecar starts
  adapter: string | null; // the selection (persisted per workspace)
  provider: 'cuda' | 'webgpu' | 'cpu' | null; // null until the sidecar reports it
  providerPreference: 'auto' | 'cuda' | 'webgpu' | 'cpu';
  providerNote?: string;
  /** Weight precision setting; 'int8' and 'int4' are shown in the text, f32 is not. */
  quantize?: 'none' | 'int8' | 'int4';
  phase: SidecarPhase;
  detail?: string; // the last error, a restart note, ...
}

export function describeStatus(s: StatusSnapshot): { text: string; tooltip: string; warning: boolean } {
  const icon = s.phase === 'busy' || s.phase === 'starting' || s.phase === 'restarting' ? '$(sync~spin)' : s.phase === 'error' ? '$(warning)' : '$(beaker)';
  const provider = s.provider ? providerLabel(s.provider) : s.providerPreference === 'auto' ? 'auto' : providerLabel(s.providerPreference);
  const adapter = s.adapter ?? 'base';
  const text = `${icon} ${s.modelName} · ${adapter} · ${provider}${s.quantize && s.quantize !== 'none' ? ` ${s.quantize}` : ''}`;
  const phaseText: Record<SidecarPhase, string> = {
    stopped: 'not started (starts on first use)',
    starting: 'starting',
    ready: 'ready',
    busy: 'generating',
    restarting: 'restarting after a crash',
    error: 'error',
  };
  const lines = [
    '**TestTune**',
    '',
    `- Model: ${s.modelName}`,
    `- Adapter: ${adapter}`,
    `- Execution provider: ${s.provider ? providerLabel(s.provider) : `${s.providerPreference} (not started)`}`,
    `- Weights: ${s.quantize && s.quantize !== 'none' ? `${s.quantize} (testtune.model.quantization)` : 'f32'}`,
    `- Sidecar: ${phaseText[s.phase]}`,
  ];
  if (s.providerNote) lines.push(`- ${s.providerNote}`);
  if (s.detail) lines.push(`- ${s.detail}`);
  lines.push('', 'Click to pick an adapter.');
  // a machine without CUDA or WebGPU is normal under 'auto': only an explicit choice that fell back warns
  const providerWarning = !!s.providerNote && explicitGpu(s.providerPreference) && s.provider !== null && s.provider !== s.providerPreference;
  return { text, tooltip: lines.join('\n'), warning: s.phase === 'error' || providerWarning };
}

/** How a provider is named to the user: CUDA, WebGPU, CPU. */
export function providerLabel(provider: 'auto' | 'cuda' | 'webgpu' | 'cpu'): string {
  return provider === 'webgpu' ? 'WebGPU' : provider === 'auto' ? 'auto' : provider.toUpperCase();
}

function explicitGpu(preference: StatusSnapshot['providerPreference']): preference is 'cuda' | 'webgpu' {
  return preference === 'cuda' || preference === 'webgpu';
}

export interface ProviderNotice {
  log: string; // one line for the log (written once per distinct note)
  toast?: string; // only when the user chose 'cuda' or 'webgpu' explicitly: one complete, short sentence
}

/**
 * How the sidecar's provider note (a GPU provider asked for or tried first, what was used instead)
 * reaches the user: the log and the status bar tooltip always; a notification only when
 * `testtune.executionProvider` names a GPU provider ('cuda', 'webgpu') and the model did not get it.
 * The full note (it can hold ORT's long error) stays in the log.
 */
export function providerNotice(preference: StatusSnapshot['providerPreference'], provider: StatusSnapshot['provider'], note: string | undefined): ProviderNotice | undefined {
  if (!note) return undefined;
  const notice: ProviderNotice = { log: `execution provider: ${note}` };
  if (explicitGpu(preference) && provider !== preference) {
    notice.toast = `TestTune: ${providerLabel(preference)} is not available, so the model runs on the ${provider ? providerLabel(provider) : 'CPU'} (testtune.executionProvider is "${preference}").`;
  }
  return notice;
}
