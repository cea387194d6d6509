// Adapter vs base model on held-out pairs (`testtune.evaluateAdapter`, and the last step of fine-tuning).
// The gate is execution (src/finetune/): in a trusted workspace only, since it runs project code, every
// held-out focal method gets a test from the base model and from the adapter through the product's whole
// generation path with verification (the running sidecar generates), and the share that passes while
// executing the focal method decides (`judgement.json` beside the adapter; the picker shows it). Syntactic
// validity and CodeBLEU against the real test are kept as secondary rows (eval_report.json). Fills the
// webview's comparison.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { calcCodeBleu } from '../eval/codebleu/codebleu';
import { syntaxValidity } from '../eval/syntax';
import { judgeSides, type GateVerdict } from '../finetune/gate';
import { focalTargets, judgeSide } from '../finetune/judge';
import { javaParser } from '../java/parser';
import { decodingParams } from '../pipeline/decoding';
import { prepareVerifier } from '../pipeline/verify-stage';
import { tokenToSignal } from '../sidecar/cancellation';
import { emitEvent } from './events';
import { FineTunePanel, type ComparisonRow } from './fine-tune-panel';
import { gateChart, gateRows } from './gate-view';
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
  focal_line?: number; // 0-based name line (runs since the execution gate)
  focal_class?: string;
  focal_method?: string;
}

export interface SideScores {
  syntaxValid: number; // share of predictions that parse as they are (strict)
  syntaxLenient: number; // share valid after the study's repair
  codebleu: number;
  bleu: number;
  n: number;
}

export interface Evaluation {
  base: SideScores;
  adapter: SideScores;
  /** The execution gate's verdict; absent when the tests could not be run (`why`). */
  gate?: GateVerdict;
  why?: string;
}


function readPairs(file: string): Pair[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Pair)
    .filter((p) => typeof p.source === 'string' && typeof p.target === 'string');
}

export async function evaluateAdapter(svc: Services, input: EvalInput): Promise<Evaluation> {
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
        for (const p of pairs) {
          if (token.isCancellationRequested) throw new Error('evaluation cancelled');
          const r = await bridge.generate(p.source, { decoding, adapter: side === 'base' ? null : input.adapterName, signal: cancel.signal });
          if (r.stopReason === 'cancelled') throw new Error('evaluation cancelled');
          preds.push(r.text);
          const v = syntaxValidity(parser, r.text);
          if (v.strict) strict++;
          if (v.lenient) lenient++;
          done++;
          progress.report({ increment: 100 / total, message: `${side === 'base' ? 'base model' : 'adapter'}: ${done}/${total}` });
        }
        const bleu = await calcCodeBleu(
          pairs.map((p) => p.target),
          preds,
        );
        sides[side] = { syntaxValid: strict / pairs.length, syntaxLenient: lenient / pairs.length, codebleu: bleu.codebleu, bleu: bleu.bleu, n: pairs.length };
      }
    },
  );
  const judged = await judgeByTests(svc, input, pairs, decoding);
  const note = judged.gate
    ? `Each held-out focal method got a test from each side through the product's generation path with verification (compiled and run, JaCoCo); the adapter is recommended only when more of them pass and execute the focal method.`
    : `Not judged by running tests: ${judged.why}. Syntax and CodeBLEU only.`;
  const report = { adapter: sides.adapter, base: sides.base, heldOutPairs: pairs.length, evaluatedAt: new Date().toISOString(), note };
  writeFileSync(path.join(input.adapterDir, 'eval_report.json'), JSON.stringify(report, null, 2) + '\n');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const better = (b: number, a: number): ComparisonRow['better'] => (a > b ? 'adapter' : b > a ? 'base' : undefined);
  const rows: ComparisonRow[] = [
    ...(judged.gate ? gateRows(judged.gate) : []),
    { label: 'Syntactically valid (strict)', base: pct(sides.base.syntaxValid), adapter: pct(sides.adapter.syntaxValid), better: better(sides.base.syntaxValid, sides.adapter.syntaxValid) },
    { label: 'Syntactically valid (repaired)', base: pct(sides.base.syntaxLenient), adapter: pct(sides.adapter.syntaxLenient), better: better(sides.base.syntaxLenient, sides.adapter.syntaxLenient) },
    { label: 'CodeBLEU', base: sides.base.codebleu.toFixed(4), adapter: sides.adapter.codebleu.toFixed(4), better: better(sides.base.codebleu, sides.adapter.codebleu) },
    { label: 'BLEU', base: sides.base.bleu.toFixed(4), adapter: sides.adapter.bleu.toFixed(4), better: better(sides.base.bleu, sides.adapter.bleu) },
  ];
  rows.push({ label: 'Held-out pairs', base: String(pairs.length), adapter: String(pairs.length) });
  const panel = input.panel ?? FineTunePanel.show(svc.context.extensionUri, `Evaluation: ${input.adapterName}`);
  panel.post({ type: 'comparison', comparison: { adapterName: input.adapterName, rows, note, ...(judged.gate ? { chart: gateChart(judged.gate) } : {}) } });
  panel.post({ type: 'status', text: `Evaluated on ${pairs.length} held-out pairs.` });
  svc.log.info(`evaluation of ${input.adapterName}: ${JSON.stringify(report)}`);
  emitEvent({ type: 'evaluated', adapter: input.adapterName, summary: { baseCodebleu: sides.base.codebleu, adapterCodebleu: sides.adapter.codebleu, baseSyntax: sides.base.syntaxValid, adapterSyntax: sides.adapter.syntaxValid, ...(judged.gate ? { better: judged.gate.better ? 1 : 0, basePassesCallingFocal: judged.gate.base.passesCallingFocal, adapterPassesCallingFocal: judged.gate.adapter.passesCallingFocal } : {}) } });
  return { ...sides, gate: judged.gate, why: judged.why };
}

/**
 * The execution gate on the held-out focal methods (src/finetune/judge.ts through the sidecar), with
 * judgement.json beside the adapter; no verdict (and why) in an untrusted workspace, with verification
 * off, for pairs of an older run without focal lines, or when the project cannot be compiled here.
 */
async function judgeByTests(svc: Services, input: EvalInput, pairs: Pair[], decoding: ReturnType<typeof decodingParams>): Promise<{ gate?: GateVerdict; why?: string }> {
  const settings = svc.settings();
  if (!vscode.workspace.isTrusted) return { why: 'this workspace is not trusted, so TestTune does not compile or run its code' };
  if (!settings.verifyEnabled) return { why: 'verification is off (testtune.verify.enabled)' };
  const located = pairs.filter((p): p is Pair & { focal_path: string; focal_line: number; focal_class: string; focal_method: string } =>
    typeof p.focal_path === 'string' && typeof p.focal_line === 'number' && typeof p.focal_class === 'string' && typeof p.focal_method === 'string');
  if (located.length === 0) return { why: `the held-out pairs in ${input.heldOutFile} carry no focal lines (a run from an older version: fine-tune again)` };
  const targets = focalTargets(located);
  const bridge = await svc.model();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TestTune: judging ${input.adapterName} by running tests`, cancellable: true },
    async (progress, token) => {
      const cancel = tokenToSignal(token);
      progress.report({ message: 'compiling the project…' });
      const v = await prepareVerifier(input.projectRoot, { timeoutMs: settings.verifyTimeLimitSeconds * 1000, signal: cancel.signal, runBuildTool: settings.projectRunBuildTool });
      for (const w of v.warnings) svc.log.warn(`verification: ${w}`);
      if (!v.verifier) return { why: v.errors[0] ?? 'the project could not be prepared for verification' };
      const total = targets.length * 2;
      let done = 0;
      const common = { projectRoot: input.projectRoot, generator: bridge, decoding, verifier: v.verifier, candidates: settings.verifyCandidates, rounds: settings.verifyRepairRounds, signal: cancel.signal };
      const onMethod = (side: string) => (_i: number, t: { label: string }, _o: unknown, detail: string) => {
        svc.log.info(`judge ${side}: ${t.label}: ${detail}`);
        progress.report({ increment: 100 / total, message: `${side}: ${++done}/${total} tests run` });
      };
      try {
        const base = await judgeSide(targets, { ...common, adapter: null, onMethod: onMethod('base model') });
        const adapted = await judgeSide(targets, { ...common, adapter: input.adapterName, onMethod: onMethod('adapter') });
        const gate = judgeSides(base, adapted);
        const judgement = { ...gate, heldOutFocalMethods: targets.length, methods: targets.map((t, i) => ({ focal: t.label, base: base[i], adapter: adapted[i] })), candidates: settings.verifyCandidates, rounds: settings.verifyRepairRounds, judgedAt: new Date().toISOString() };
        writeFileSync(path.join(input.adapterDir, 'judgement.json'), JSON.stringify(judgement, null, 2) + '\n');
        return { gate };
      } catch (e) {
        return { why: token.isCancellationRequested ? 'judging was cancelled' : `judging failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
  );
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
