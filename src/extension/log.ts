// The "TestTune" output channel (`testtune.showLog`): every message the extension or the sidecar
// reports goes here, with a timestamp.
import * as vscode from 'vscode';

export class Log implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;

  constructor(name = 'TestTune') {
    this.channel = vscode.window.createOutputChannel(name);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string, err?: unknown): void {
    const detail = err === undefined ? '' : `: ${errorText(err)}`;
    this.write('error', message + detail);
  }

  /** Lines from a child process (the sidecar's stderr, the training CLI), passed through as they come. */
  raw(text: string, source = 'sidecar'): void {
    for (const line of text.split(/\r?\n/)) if (line.trim()) this.channel.appendLine(`[${source}] ${line}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private write(level: string, message: string): void {
    this.channel.appendLine(`${new Date().toISOString()} [${level}] ${message}`);
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
