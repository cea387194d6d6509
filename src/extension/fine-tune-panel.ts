// The fine-tune webview: training facts, the loss curve, and the adapter-vs-base comparison. Assets
// live in media/ (finetune.js draws, finetune.css styles); messages are plain data (see PanelMessage).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface ComparisonRow {
  label: string;
  base: string;
  adapter: string;
  better?: 'base' | 'adapter';
}

export type PanelMessage =
  | { type: 'reset' }
  | { type: 'loss'; split: 'train' | 'val'; step: number; loss: number }
  | { type: 'info'; info: Record<string, string | null> } // null removes a row (e.g. "Time left" when done)
  | { type: 'status'; text: string; error?: boolean }
  | { type: 'comparison'; comparison: { adapterName: string; rows: ComparisonRow[]; note?: string; chart?: ChartBar[] } };

/** One measure of the comparison chart: shares (0–1) for the base model and the adapter. */
export interface ChartBar {
  label: string;
  base: number;
  adapter: number;
}

export class FineTunePanel implements vscode.Disposable {
  private static current: FineTunePanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private readonly queue: PanelMessage[] = [];
  private ready = false;
  private disposed = false;

  static show(extensionUri: vscode.Uri, title: string): FineTunePanel {
    if (FineTunePanel.current && !FineTunePanel.current.disposed) {
      FineTunePanel.current.panel.title = title;
      FineTunePanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      FineTunePanel.current.post({ type: 'reset' });
      return FineTunePanel.current;
    }
    FineTunePanel.current = new FineTunePanel(extensionUri, title);
    return FineTunePanel.current;
  }

  private constructor(extensionUri: vscode.Uri, title: string) {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel('testtune.fineTune', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const wv = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = wv.asWebviewUri(vscode.Uri.joinPath(media, 'finetune.js'));
    const style = wv.asWebviewUri(vscode.Uri.joinPath(media, 'finetune.css'));
    wv.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${wv.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div id="status"></div>
<dl class="grid" id="info"></dl>
<h2>Loss</h2>
<div class="legend"><span class="t" id="legend-train" hidden>training</span><span class="v" id="legend-val" hidden>validation</span><span id="points">0</span> points</div>
<svg id="curve" role="img" aria-label="loss curve"></svg>
<h2>Adapter vs base model (held-out pairs)</h2>
<div id="comparison"></div>
<script nonce="${nonce}" src="${script}"></script>
</body></html>`;
    this.panel.onDidDispose(() => {
      this.disposed = true;
      if (FineTunePanel.current === this) FineTunePanel.current = undefined;
    });
    wv.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type === 'ready') {
        this.ready = true;
        for (const q of this.queue.splice(0)) void wv.postMessage(q);
      }
    });
  }

  post(msg: PanelMessage): void {
    if (this.disposed) return;
    if (!this.ready) this.queue.push(msg);
    else void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel.dispose();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
