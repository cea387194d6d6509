// Adapter vs base model on held-out pairs (`testtune.evaluateAdapter`, and the last step of fine-tuning):
// generates each held-out pair's test with the base model and with the adapter through the running
// sidecar, scores syntactic validity (strict and the study's lenient repair) and CodeBLEU against the
// real test, and — in a trusted workspace only, since it runs project code — compiles and runs the
// generated tests in a temporary copy of the project (src/eval/). Writes eval_report.json beside the
// adapter (the picker shows it) and fills the webview's comparison.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { calcCodeBleu } from '../eval/codebleu/codebleu';
import { evaluateExecution, type ExecTask } from '../eval/execution/harness';
import { syntaxValidity } from '../eval/syntax';
import { javaParser } from '../java/parser';
import { decodingParams } from '../pipeline/decoding';
import { completionToMethod } from '../pipeline/prompt';
import { tokenToSignal } from '../sidecar/cancellation';
import { emitEvent } from './events';
import { FineTunePanel, type ComparisonRow } from './fine-tune-panel';
import type { Services } from './services';

export interface EvalInput {
  adapterName: string;
  adapterDir: string;
  heldOutFile: string;
  projectRoot: string;
  panel?: FineTunePanel;
}

interface Pair {
  source: string;
  target: string;
  focal_path?: string;
}

export interface SideScores {
  syntaxValid: number; // share of predictions that parse as they are (strict)
  syntaxLenient: number; // share valid after the study's repair
  codebleu: number;
  bleu: number;
  compileRate?: number; // trusted workspaces only
  passRate?: number;
  n: number;
}


function readPairs(file: string): Pair[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Pair)
    .filter((p) => typeof p.source === 'string' && typeof p.target === 'string');
}

export async function evaluateAdapter(svc: Services, input: EvalInput): Promise<{ base: SideScores; adapter: SideScores }> {
  const pairs = readPairs(input.heldOutFile);
  if (pairs.length === 0) throw new Error(`no held-out pairs in ${input.heldOutFile}`);
  const bridge = await svc.model();
  await bridge.ensureLoaded(input.adapterDir, input.adapterName);
  const decoding = decodingParams('product', svc.settings()); // the product's decoding, the same for both sides
  const sides: Record<'base' | 'adapter', SideScores> = {} as Record<'base' | 'adapter', SideScores>;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TestTune: evaluating ${input.adapterName} against the base model`, cancellable: true },
    async (progress, token) => {
      const total = pairs.length * 2;
      let done = 0;
      const parser = await javaParser();
      const cancel = tokenToSignal(token);
      for (const side of ['base', 'adapter'] as const) {
        const preds: string[] = [];
        let strict = 0;
        let lenient = 0;
        const tasks: ExecTask[] = [];
        for (const [i, p] of pairs.entries()) {
          if (token.isCancellationRequested) throw new Error('evaluation cancelled');
          const r = await bridge.generate(p.source, { decoding, adapter: side === 'base' ? null : input.adapterName, signal: cancel.signal });
          if (r.stopReason === 'cancelled') throw new Error('evaluation cancelled');
          preds.push(r.text);
          const v = syntaxValidity(parser, r.text);
          if (v.strict) strict++;
          if (v.lenient) lenient++;
          const method = p.focal_path ? (await completionToMethod(p.source, r.text)).method : undefined;
          if (method && p.focal_path) tasks.push({ id: `${side}-${i}`, focalFile: p.focal_path, testMethod: method });
          done++;
          progress.report({ increment: 100 / total, message: `${side === 'base' ? 'base model' : 'adapter'}: ${done}/${total}` });
        }
        const bleu = await calcCodeBleu(
          pairs.map((p) => p.target),
          preds,
        );
        sides[side] = { syntaxValid: strict / pairs.length, syntaxLenient: lenient / pairs.length, codebleu: bleu.codebleu, bleu: bleu.bleu, n: pairs.length };
        if (vscode.workspace.isTrusted && tasks.length > 0 && !token.isCancellationRequested) {
          progress.report({ message: `${side === 'base' ? 'base model' : 'adapter'}: compiling and running ${tasks.length} tests…` });
          try {
            const ex = await evaluateExecution(input.projectRoot, tasks, { log: (l) => svc.log.raw(l, 'eval') });
            // tests that could not even be extracted count as not compiled
            sides[side].compileRate = ex.compiled / pairs.length;
            sides[side].passRate = ex.passed / pairs.length;
            for (const n of ex.notes) svc.log.info(`execution: ${n}`);
          } catch (e) {
            svc.log.error('compiling/running the generated tests failed', e);
          }
        } else if (vscode.workspace.isTrusted) {
          sides[side].compileRate = 0;
          sides[side].passRate = 0;
        }
      }
    },
  );
  const trusted = vscode.workspace.isTrusted;
  const note = trusted
    ? sides.base.compileRate === undefined
      ? 'The project could not be built here: compile and pass rates are missing (see the log).'
      : 'Generated tests were compiled and run in a temporary copy of the project.'
    : 'This workspace is not trusted: TestTune did not compile or run project code. Syntax and CodeBLEU only.';
  const report = { adapter: sides.adapter, base: sides.base, heldOutPairs: pairs.length, evaluatedAt: new Date().toISOString(), note };
  writeFileSync(path.join(input.adapterDir, 'eval_report.json'), JSON.stringify(report, null, 2) + '\n');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const better = (b: number, a: number): ComparisonRow['better'] => (a > b ? 'adapter' : b > a ? 'base' : undefined);
  const rows: ComparisonRow[] = [
    { label: 'Syntactically valid (strict)', base: pct(sides.base.syntaxValid), adapter: pct(sides.adapter.syntaxValid), better: better(sides.base.syntaxValid, sides.adapter.syntaxValid) },
    { label: 'Syntactically valid (repaired)', base: pct(sides.base.syntaxLenient), adapter: pct(sides.adapter.syntaxLenient), better: better(sides.base.syntaxLenient, sides.adapter.syntaxLenient) },
    { label: 'CodeBLEU', base: sides.base.codebleu.toFixed(4), adapter: sides.adapter.codebleu.toFixed(4), better: better(sides.base.codebleu, sides.adapter.codebleu) },
    { label: 'BLEU', base: sides.base.bleu.toFixed(4), adapter: sides.adapter.bleu.toFixed(4), better: better(sides.base.bleu, sides.adapter.bleu) },
  ];
  if (sides.base.compileRate !== undefined && sides.adapter.compileRate !== undefined) {
    rows.push({ label: 'Compiles', base: pct(sides.base.compileRate), adapter: pct(sides.adapter.compileRate), better: better(sides.base.compileRate, sides.adapter.compileRate) });
    rows.push({ label: 'Passes', base: pct(sides.base.passRate ?? 0), adapter: pct(sides.adapter.passRate ?? 0), better: better(sides.base.passRate ?? 0, sides.adapter.passRate ?? 0) });
  }
  rows.push({ label: 'Held-out pairs', base: String(pairs.length), adapter: String(pairs.length) });
  const panel = input.panel ?? FineTunePanel.show(svc.context.extensionUri, `Evaluation: ${input.adapterName}`);
  panel.post({ type: 'comparison', comparison: { adapterName: input.adapterName, rows, note } });
  panel.post({ type: 'status', text: `Evaluated on ${pairs.length} held-out pairs.` });
  svc.log.info(`evaluation of ${input.adapterName}: ${JSON.stringify(report)}`);
  emitEvent({ type: 'evaluated', adapter: input.adapterName, summary: { baseCodebleu: sides.base.codebleu, adapterCodebleu: sides.adapter.codebleu, baseSyntax: sides.base.syntaxValid, adapterSyntax: sides.adapter.syntaxValid } });
  return sides;
}

/** `testtune.evaluateAdapter`: pick an adapter fine-tuned here and evaluate it on its run's held-out pairs. */
export async function evaluateCommand(svc: Services): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('TestTune: open the project folder first.');
    return;
  }
  const candidates = svc.adapters().filter((a) => a.source === 'workspace');
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('TestTune: no adapter fine-tuned in this workspace yet; run "Fine-tune adapter on this repo".');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((a) => ({ label: a.name, detail: a.peftType, adapter: a })),
    { placeHolder: 'Adapter to evaluate against the base model' },
  );
  if (!pick) return;
  const method = pick.adapter.peftType === 'LORA' ? 'lora' : pick.adapter.peftType === 'IA3' ? 'ia3' : pick.adapter.peftType === 'PROMPT_TUNING' ? 'prompt' : 'full';
  // the run folders sit beside the adapters folder (`.testtune/runs`, or the old storage's `runs`)
  const heldOutFile = path.join(path.dirname(pick.adapter.dir), '..', 'runs', method, 'heldout.jsonl');
  if (!existsSync(heldOutFile)) {
    void vscode.window.showWarningMessage(`TestTune: the held-out pairs of ${pick.label}'s run are gone (${heldOutFile}); fine-tune again to evaluate.`);
    return;
  }
  await evaluateAdapter(svc, { adapterName: pick.label, adapterDir: pick.adapter.dir, heldOutFile, projectRoot: folder.uri.fsPath });
}
