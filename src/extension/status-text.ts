// What the status bar says, as plain data (no `vscode` import, so unit tests check it).

export type SidecarPhase = 'stopped' | 'starting' | 'ready' | 'busy' | 'restarting' | 'error';

export interface StatusSnapshot {
  modelName: string; // from the model folder, known before the sidecar starts
  adapter: string | null; // the selection (persisted per workspace)
  provider: 'cuda' | 'cpu' | null; // null until the sidecar reports it
  providerPreference: 'auto' | 'cuda' | 'cpu';
  providerNote?: string;
  /** Weight precision setting; 'int8' is shown in the text, f32 is not. */
  quantize?: 'none' | 'int8';
  phase: SidecarPhase;
  detail?: string; // the last error, a restart note, ...
}

export function describeStatus(s: StatusSnapshot): { text: string; tooltip: string; warning: boolean } {
  const icon = s.phase === 'busy' || s.phase === 'starting' || s.phase === 'restarting' ? '$(sync~spin)' : s.phase === 'error' ? '$(warning)' : '$(beaker)';
  const provider = s.provider ? s.provider.toUpperCase() : s.providerPreference === 'auto' ? 'auto' : s.providerPreference.toUpperCase();
  const adapter = s.adapter ?? 'base';
  const text = `${icon} ${s.modelName} · ${adapter} · ${provider}${s.quantize === 'int8' ? ' int8' : ''}`;
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
    `- Execution provider: ${s.provider ? s.provider.toUpperCase() : `${s.providerPreference} (not started)`}`,
    `- Weights: ${s.quantize === 'int8' ? 'int8 (testtune.model.quantization)' : 'f32'}`,
    `- Sidecar: ${phaseText[s.phase]}`,
  ];
  if (s.providerNote) lines.push(`- ${s.providerNote}`);
  if (s.detail) lines.push(`- ${s.detail}`);
  lines.push('', 'Click to pick an adapter.');
  // a machine without CUDA is normal under 'auto': only an explicit 'cuda' that fell back is a warning
  const providerWarning = !!s.providerNote && s.providerPreference === 'cuda' && s.provider !== 'cuda';
  return { text, tooltip: lines.join('\n'), warning: s.phase === 'error' || providerWarning };
}

export interface ProviderNotice {
  log: string; // one line for the log (written once per distinct note)
  toast?: string; // only when the user chose 'cuda' explicitly: one complete, short sentence
}

/**
 * How the sidecar's provider note (CUDA asked for or tried first, the CPU used) reaches the user: the
 * log and the status bar tooltip always; a notification only when `testtune.executionProvider` is
 * 'cuda' and the model did not get it. The full note (it can hold ORT's long error) stays in the log.
 */
export function providerNotice(preference: StatusSnapshot['providerPreference'], provider: StatusSnapshot['provider'], note: string | undefined): ProviderNotice | undefined {
  if (!note) return undefined;
  const notice: ProviderNotice = { log: `execution provider: ${note}` };
  if (preference === 'cuda' && provider !== 'cuda') {
    notice.toast = 'TestTune: CUDA is not available, so the model runs on the CPU (testtune.executionProvider is "cuda").';
  }
  return notice;
}
