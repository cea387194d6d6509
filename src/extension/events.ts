// Machine-readable trace of what the extension did (activation time, tests written, adapters
// switched), one JSON object per line, written only when TESTTUNE_EVENTS_FILE names a file.
// The integration tests read it to check what the UI did; users never see it. No `vscode` import.
import { appendFileSync } from 'node:fs';

export type ExtensionEvent =
  | { type: 'activated'; ms: number; version: string }
  | { type: 'sidecar'; state: string; detail?: string }
  | { type: 'settingsChanged' } // a testtune.* setting changed (the editor saw a settings file change)
  | { type: 'testWritten'; file: string; created: boolean; method: string; ms: number; status: string; outcome: string }
  | { type: 'generateFailed'; method: string; message: string }
  | { type: 'adapterSelected'; adapter: string | null }
  | { type: 'fineTuneDone'; adapter: string; dir: string; ms: number }
  | { type: 'fineTuneFailed'; message: string }
  | { type: 'evaluated'; adapter: string; summary: Record<string, number> };

export function emitEvent(ev: ExtensionEvent, file = process.env.TESTTUNE_EVENTS_FILE): void {
  if (!file) return;
  try {
    appendFileSync(file, JSON.stringify({ t: new Date().toISOString(), ...ev }) + '\n');
  } catch {
    // A trace that cannot be written must never break the extension.
  }
}
