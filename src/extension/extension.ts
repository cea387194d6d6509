// Entry point of the VS Code extension. Activation only wires things up (commands, code lenses, status
// bar, output channel); the sidecar, the Java parser and the flows load on first use, so activation
// stays far under 200 ms. The measured time is logged and, for the tests, traced (events.ts).
import * as vscode from 'vscode';
import { emitEvent } from './events';
import { Log } from './log';
import { CMD } from './manifest';
import { Services } from './services';
import { StatusBar } from './status-bar';

let services: Services | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const svc = new Services(context, log);
  services = svc;
  context.subscriptions.push(svc);

  const statusBar = new StatusBar(svc);
  context.subscriptions.push(statusBar);

  const run = (name: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(name, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        log.error(`${name} failed`, err);
        void vscode.window.showErrorMessage(`TestTune: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    });

  context.subscriptions.push(
    run(CMD.generateTest, async (...args) => (await import('./generate-test')).generateTestCommand(svc, args)),
    run(CMD.selectAdapter, async () => (await import('./adapter-picker')).pickAdapter(svc)),
    run(CMD.fineTuneAdapter, async () => (await import('./fine-tune')).fineTuneCommand(svc)),
    run(CMD.evaluateAdapter, async () => (await import('./evaluate')).evaluateCommand(svc)),
    run(CMD.showLog, async () => log.show()),
  );

  void import('./code-lens').then(({ registerCodeLenses }) => context.subscriptions.push(registerCodeLenses(svc)));
  // The symbol index builds in the background after activation (trusted workspaces only).
  void import('./symbol-index').then(({ startSymbolIndexing }) => context.subscriptions.push(startSymbolIndexing(log)));

  const ms = performance.now() - t0;
  const version = String(context.extension.packageJSON.version ?? '');
  log.info(`TestTune ${version} activated in ${ms.toFixed(1)} ms (sidecar not started; it starts on first use)`);
  emitEvent({ type: 'activated', ms, version });
}

export async function deactivate(): Promise<void> {
  await services?.shutdown();
  services = undefined;
}
