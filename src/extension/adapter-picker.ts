// The adapter picker (`testtune.selectAdapter`, also the status bar's click): the base model and each
// adapter with its method, date and evaluation score. The choice is saved in the workspace settings
// (`testtune.adapter`, so it survives a restart) and switches the running model's adapter without
// reloading the model.
import * as vscode from 'vscode';
import { describeAdapter } from './adapter-scan';
import type { Services } from './services';

interface Item extends vscode.QuickPickItem {
  adapter: string | null;
}

export async function pickAdapter(svc: Services): Promise<string | null | undefined> {
  const current = svc.selectedAdapter();
  const adapters = svc.adapters();
  const items: Item[] = [
    { label: 'Base model', description: current === null ? '(current)' : undefined, detail: 'No adapter: the model as shipped', adapter: null },
    ...adapters.map(
      (a): Item => ({
        label: a.name,
        description: a.name === current ? '(current)' : a.source === 'workspace' ? 'fine-tuned on this workspace' : undefined,
        detail: describeAdapter(a),
        adapter: a.name,
      }),
    ),
  ];
  if (current && !adapters.some((a) => a.name === current)) {
    items.push({ label: current, description: '(current, missing on disk)', detail: 'Pick another adapter or the base model', adapter: current });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'TestTune: select adapter',
    placeHolder: adapters.length ? 'Adapter used to generate tests in this workspace' : 'No adapters yet: run "Fine-tune adapter on this repo" to make one',
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  const full = adapters.find((a) => a.name === picked.adapter && a.peftType === 'FULL');
  if (full) {
    // A fully fine-tuned model is a model, not an adapter: switch the workspace's model to it.
    await vscode.workspace.getConfiguration('testtune').update('modelPath', full.dir, vscode.ConfigurationTarget.Workspace);
    await svc.selectAdapter(null);
    void vscode.window.showInformationMessage(`TestTune: ${full.name} is a fully fine-tuned model; this workspace now uses it as its model.`);
    return null;
  }
  if (picked.adapter !== current) await svc.selectAdapter(picked.adapter);
  return picked.adapter;
}
