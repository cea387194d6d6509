// The status bar item: model, adapter, execution provider and sidecar state. Clicking it opens the
// adapter picker.
import * as vscode from 'vscode';
import { CMD } from './manifest';
import type { Services } from './services';
import { describeStatus } from './status-text';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly svc: Services) {
    this.item = vscode.window.createStatusBarItem('testtune.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'TestTune';
    this.item.command = CMD.selectAdapter;
    this.sub = svc.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  private render(): void {
    const view = describeStatus(this.svc.snapshot());
    this.item.text = view.text;
    this.item.tooltip = new vscode.MarkdownString(view.tooltip);
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
