// The status of an inserted test, shown where it was inserted until its file changes: one diagnostic on
// the test method's line ("TestTune: passes · covers 5 of 6 lines of factorial"), Information when the
// test passes, Warning when it was inserted failing or unverified. Cleared on the next edit of the file.
import * as vscode from 'vscode';

export class VerifyStatus implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('testtune');
  private readonly sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && this.diagnostics.has(e.document.uri)) this.diagnostics.delete(e.document.uri);
    });
  }

  /** Shows `message` on the line of `offset` in `doc` (replacing what TestTune showed there before). */
  show(doc: vscode.TextDocument, offset: number, message: string, passing: boolean): void {
    const line = doc.lineAt(doc.positionAt(offset).line);
    const d = new vscode.Diagnostic(line.range, `TestTune: ${message}`, passing ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning);
    d.source = 'TestTune';
    this.diagnostics.set(doc.uri, [d]);
  }

  dispose(): void {
    this.sub.dispose();
    this.diagnostics.dispose();
  }
}
