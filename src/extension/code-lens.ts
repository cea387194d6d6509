// "Generate test" code lenses above each Java method a test can call (setting `testtune.codeLens.enabled`);
// which methods is decided in `src/java/lens-targets.ts`. The Java parser loads on the first request,
// not at activation.
import * as vscode from 'vscode';
import { JavaAnalysisThread } from '../java/analysis-thread';
import { lensTargets } from '../java/lens-targets';
import { CMD } from './manifest';
import type { Services } from './services';

export interface GenerateTestArgs {
  uri: string; // the focal file
  line: number; // 0-based line inside the method
  name?: string;
}

class TestLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  // Parsing on a worker thread: a large or odd file never freezes the editor (java/analysis-thread.ts).
  private readonly analysis = new JavaAnalysisThread();

  constructor(private readonly svc: Services) {}

  dispose(): void {
    this.analysis.dispose();
  }

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const settings = this.svc.settings(doc.uri);
    if (!settings.codeLensEnabled) return [];
    const source = doc.getText();
    const listing = await this.analysis.listMethods(source);
    if (token.isCancellationRequested) return [];
    const workspaceRoot = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
    return lensTargets(doc.uri.fsPath, source, listing.methods, { testSourceRoot: settings.testSourceRoot, workspaceRoot })
      .map((m) => {
        const range = new vscode.Range(m.nameLine, 0, m.nameLine, 0);
        const args: GenerateTestArgs = { uri: doc.uri.toString(), line: m.nameLine, name: m.name };
        return new vscode.CodeLens(range, {
          title: 'Generate test',
          tooltip: `Generate a JUnit test for ${m.enclosingType ? m.enclosingType + '.' : ''}${m.name}(${m.parameterTypes.join(', ')})`,
          command: CMD.generateTest,
          arguments: [args],
        });
      });
  }
}

export function registerCodeLenses(svc: Services): vscode.Disposable {
  const provider = new TestLensProvider(svc);
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider({ language: 'java' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('testtune.codeLens.enabled') || e.affectsConfiguration('testtune.testSourceRoot')) provider.refresh();
    }),
  );
}
