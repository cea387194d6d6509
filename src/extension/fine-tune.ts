// "Fine-tune adapter on this repo": mine (focal method, test) pairs from the workspace (with the skip
// report), split by test class (no test or focal class on both sides), pick a method (trainable
// parameters, time estimate), train in a child process with a cancellable progress notification (epoch,
// loss, ETA) and resume, judge adapter vs base by running generated tests on the held-out focal methods
// (the execution gate of src/finetune/), show it all in the webview, and switch the adapter on only when
// the gate says it is better (the user can override).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatReport } from '../data/report';
import { mineRepo } from '../data/miner';
import { splitByTestClass } from '../data/split';
import { locatePairs, SMALL_PAIRS, smallRepositoryNote, VALIDATION_SHARE } from '../finetune/pairs';
import { documentsJsonl, mainSourceDocuments } from '../finetune/sources';
import { loadProjectModel } from '../project/model';
import { parseModelConfig, type ModelConfig } from '../model/config';
import { Tokenizer } from '../model/tokenizer';
import { runCli } from './cli-runner';
import { emitEvent } from './events';
import { evaluateAdapter } from './evaluate';
import { FineTunePanel } from './fine-tune-panel';
import { gateOffer } from './gate-view';
import { describeChoice, formatDuration, planMethods, WITH_SOURCES_DEFAULT, type MethodChoice, type Throughputs } from './fine-tune-plan';
import { describeUnfinishedRun, readRunState, unfinishedRun, writeRunState } from './run-state';
import { workspaceRunsDir } from './adapter-choice';
import { StepTimer } from './train-eta';
import { parseStepLine, parseTrainReport, TRAIN_CANCEL_LINE, trainArgs } from './train-protocol';
import type { Services } from './services';

const THROUGHPUT_KEY = 'testtune.trainThroughput';

export async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('TestTune: open the folder of a Java project first; fine-tuning learns from its existing tests.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which project should the adapter learn from?' });
}

function loadConfig(modelDir: string): ModelConfig {
  const r = parseModelConfig(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')));
  if (!r.value) throw new Error(`the model's config.json is not usable: ${r.errors.join('; ')}`);
  return r.value;
}

export async function fineTuneCommand(svc: Services): Promise<string | undefined> {
  const t0 = Date.now();
  const folder = await pickWorkspaceFolder();
  if (!folder) return undefined;
  const root = folder.uri.fsPath;

  // 1. Mine pairs.
  const mined = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TestTune: finding tests in ${folder.name}…` },
    () => mineRepo(root, { repository: folder.name }),
  );
  svc.log.info(`mining ${folder.name}:\n${formatReport(mined.report, 50)}`);
  const { report } = mined;
  // each pair with its focal method's line: the held-out ones are judged by generating for that method
  const records = locatePairs(mined.records, mined.mappings);
  if (records.length === 0) {
    const why =
      report.testClasses === 0
        ? `no test classes found among ${report.files} Java files`
        : `${report.testClasses} test classes, but none of their ${report.testMethods} test methods could be matched to the method it tests`;
    emitEvent({ type: 'fineTuneFailed', message: `no pairs: ${why}` });
    const choice = await vscode.window.showWarningMessage(
      `TestTune: nothing to learn from in ${folder.name}: ${why}. Fine-tuning needs existing JUnit tests (FooTest for Foo).`,
      'Show log',
    );
    if (choice === 'Show log') svc.log.show();
    return undefined;
  }
  const skipped = Object.entries(report.skipCounts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

  const m = svc.modelDir();
  if (!m.dir) throw new Error(m.error);
  const modelDir = m.dir;
  const modelName = path.basename(modelDir);
  const cfg = loadConfig(modelDir);

  // 2. Split by test class: held-out focal methods measure the adapter against the base model.
  const fraction = records.length >= 10 ? 0.2 : records.length >= 2 ? 1 / records.length : 0;
  const split = fraction > 0 ? splitByTestClass(records, fraction, 0) : { train: records, heldOut: [], heldOutTestClasses: [] };
  const small = smallRepositoryNote(records.length);
  if (small) svc.log.info(small);
  const train = split.train.length ? split.train : records;
  const heldOut = split.heldOut;
  // Small repositories overfit first: whole test classes of the training part become the validation
  // set whose loss stops training early (src/train/early-stop.ts), as `testtune finetune` does.
  const val = records.length < SMALL_PAIRS ? splitByTestClass(train, VALIDATION_SHARE, 1) : undefined;
  const trainPairs = val && val.train.length && val.heldOut.length ? val.train : train;
  const validationPairs = val && val.train.length && val.heldOut.length ? val.heldOut : [];

  // 3. Pick the method.
  const tok = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
  const trainTokens = trainPairs.reduce((s, r) => s + tok.encode(r.source + r.target).length, 0);
  const measured = svc.context.globalState.get<Throughputs>(THROUGHPUT_KEY) ?? {};
  const sources = WITH_SOURCES_DEFAULT ? mainSourceDocuments(loadProjectModel(root), new Set(records.map((r) => r.test_path))).documents : [];
  const sourceTokens = sources.reduce((s, d) => s + tok.encode(d.text).length, 0);
  const plan = planMethods(cfg, modelName, trainTokens, measured, {}, { withSources: WITH_SOURCES_DEFAULT && sources.length > 0, tokens: sourceTokens });
  for (const e of plan.errors) svc.log.warn(e);
  type Item = vscode.QuickPickItem & { choice: MethodChoice };
  const items: Item[] = plan.choices.map((c) => ({
    label: c.recommended ? `$(star-full) ${c.label}` : c.label,
    description: c.recommended ? 'recommended' : undefined,
    detail: describeChoice(c),
    choice: c,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Fine-tune ${modelName} on ${folder.name}: ${records.length} pairs (${train.length} to train, ${heldOut.length} held out)${skipped ? `; skipped: ${skipped}` : ''}`,
    placeHolder: 'Fine-tuning method',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const choice = picked.choice;

  // 4. Run folder: per repository and method (`.testtune/runs/<method>`), so an interrupted run can resume.
  const adaptersDir = svc.workspaceAdaptersDir(root);
  const runDir = path.join(workspaceRunsDir(root), choice.method);
  const statePath = path.join(runDir, 'run.json');
  const prev = readRunState(statePath);
  let resume = false;
  const unfinished = unfinishedRun(prev, prev ? path.join(adaptersDir, prev.adapterName) : undefined, choice.label);
  if (unfinished) {
    const a = await vscode.window.showInformationMessage(`TestTune: ${describeUnfinishedRun(unfinished, new Date())}`, { modal: true }, 'Resume', 'Start over');
    if (!a) return undefined;
    resume = a === 'Resume';
  } else if (prev && prev.status !== 'done') svc.log.info(`the earlier ${choice.label} run left no checkpoint; starting over`);
  mkdirSync(runDir, { recursive: true });
  const trainFile = path.join(runDir, 'train.jsonl');
  const heldOutFile = path.join(runDir, 'heldout.jsonl');
  const sourcesFile = choice.withSources ? path.join(runDir, 'sources.jsonl') : undefined;
  const validationFile = validationPairs.length ? path.join(runDir, 'validation.jsonl') : undefined;
  if (!resume || !existsSync(trainFile)) {
    writeFileSync(trainFile, trainPairs.map((r) => JSON.stringify(r) + '\n').join(''));
    if (sourcesFile) writeFileSync(sourcesFile, documentsJsonl(sources));
    if (validationFile) writeFileSync(validationFile, validationPairs.map((r) => JSON.stringify(r) + '\n').join(''));
    writeFileSync(heldOutFile, heldOut.map((r) => JSON.stringify(r) + '\n').join(''));
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const adapterName = resume && prev ? prev.adapterName : `${folder.name}-${choice.method}-${stamp}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const adapterDir = path.join(adaptersDir, adapterName);
  writeRunState(statePath, { status: 'running', method: choice.method, startedAt: new Date().toISOString(), adapterName });

  const panel = FineTunePanel.show(svc.context.extensionUri, `Fine-tune: ${choice.label} on ${folder.name}`);
  panel.post({
    type: 'info',
    info: {
      Model: modelName,
      Method: choice.label,
      'Trainable parameters': `${choice.trainableParams.toLocaleString('en-US')} (${choice.percent})`,
      Pairs: `${records.length} (${train.length} train, ${heldOut.length} held out)`,
      Skipped: skipped || 'none',
      'Training tokens': trainTokens.toLocaleString('en-US'),
      'Time left': 'measuring the first steps…',
    },
  });

  // 5. Train in a child process.
  let lastStep: { step: number; totalSteps: number } | undefined;
  const trainStart = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TestTune: ${choice.label} fine-tuning`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => {
        progress.report({ message: 'cancelling: saving a checkpoint…' });
        abort.abort();
      });
      let lastPct = 0;
      const timer = new StepTimer();
      try {
        return await runCli({
          cliJs: path.join(svc.context.extensionPath, 'dist', 'cli.js'),
          args: trainArgs({ modelDir, trainFile, sourcesFile, validationFile, method: choice.method, outDir: adapterDir, resume, stdinCancel: true, ...testOverrides() }),
          signal: abort.signal,
          cancelLine: TRAIN_CANCEL_LINE,
          graceMs: 60_000, // the current example finishes and the checkpoint is written before the CLI exits
          onLine: (line, stream) => {
            const st = stream === 'stderr' ? parseStepLine(line) : undefined;
            if (!st) {
              if (stream === 'stderr') svc.log.raw(line, 'train');
              return;
            }
            lastStep = { step: st.step, totalSteps: st.totalSteps };
            timer.record(st.step, Date.now());
            const left = timer.describe(st.totalSteps);
            panel.post({ type: 'loss', split: 'train', step: st.step, loss: st.loss });
            panel.post({ type: 'info', info: { 'Time left': left } });
            const pct = st.totalSteps ? Math.floor((100 * st.step) / st.totalSteps) : lastPct;
            if (abort.signal.aborted) return; // keeps "cancelling" on screen
            progress.report({
              increment: pct - lastPct,
              message: `step ${st.step}/${st.totalSteps} · epoch ${st.epoch}/${choice.recipe.epochs} · loss ${st.loss.toFixed(4)} · ${left}`,
            });
            lastPct = pct;
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );

  const summary = parseTrainReport(result.stdout);
  panel.post({ type: 'info', info: { 'Time left': null, 'Training time': formatDuration((Date.now() - trainStart) / 1000) } });
  if (summary?.tokensPerSec && summary.steps > 0) await svc.context.globalState.update(THROUGHPUT_KEY, { ...measured, [`${modelName}:${choice.method}`]: summary.tokensPerSec });
  if (result.cancelled || result.code !== 0 || summary?.status !== 'completed') {
    const interrupted = result.cancelled || summary?.status === 'cancelled';
    const step = summary?.steps ?? lastStep?.step;
    const totalSteps = summary?.totalSteps ?? lastStep?.totalSteps;
    writeRunState(statePath, { status: 'interrupted', stoppedBy: interrupted ? 'cancel' : 'error', method: choice.method, startedAt: new Date(trainStart).toISOString(), stoppedAt: new Date().toISOString(), step, totalSteps, adapterName });
    const saved = unfinishedRun(readRunState(statePath), adapterDir, choice.label);
    const msg = interrupted
      ? saved
        ? `fine-tuning cancelled at step ${saved.step}${totalSteps ? ` of ${totalSteps}` : ''}; run it again to resume from there`
        : 'fine-tuning cancelled before its first step finished; there is nothing to resume'
      : `training failed (exit ${result.code ?? result.signal}): ${result.stderrTail.slice(-3).join(' ')}`;
    panel.post({ type: 'status', text: msg, error: !interrupted });
    emitEvent({ type: 'fineTuneFailed', message: msg });
    if (!interrupted) throw new Error(msg);
    void vscode.window.showInformationMessage(`TestTune: ${msg}.`);
    return undefined;
  }
  writeRunState(statePath, { status: 'done', method: choice.method, startedAt: new Date(trainStart).toISOString(), finishedAt: new Date().toISOString(), step: summary.steps, totalSteps: summary.totalSteps, adapterName });
  const ms = Date.now() - t0;
  svc.log.info(`adapter ${adapterName} trained in ${formatDuration(ms / 1000)} → ${adapterDir}`);
  emitEvent({ type: 'fineTuneDone', adapter: adapterName, dir: adapterDir, ms });
  panel.post({ type: 'status', text: `Trained in ${formatDuration(ms / 1000)}. Evaluating on ${heldOut.length} held-out pairs…` });

  // 6. Judge against the base model on the held-out focal methods (the execution gate).
  let evaluation: Awaited<ReturnType<typeof evaluateAdapter>> | undefined;
  let why = 'too few pairs to hold any out';
  if (heldOut.length > 0) {
    evaluation = await evaluateAdapter(svc, { adapterName, adapterDir, heldOutFile, projectRoot: root, panel }).catch((e) => {
      svc.log.error('evaluation failed', e);
      why = `evaluation failed: ${e instanceof Error ? e.message : String(e)}`;
      panel.post({ type: 'status', text: `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`, error: true });
      return undefined;
    });
    if (evaluation?.why) why = evaluation.why;
  } else panel.post({ type: 'status', text: 'Too few pairs to hold any out: no evaluation.' });

  // 7. Switch it on only when the gate says it is better; the user can override either way.
  const offer = gateOffer(adapterName, evaluation?.gate, why);
  if (small) offer.message += ` Note: ${small}.`;
  const answer = await vscode.window.showInformationMessage(`TestTune: ${offer.message}`, ...offer.buttons);
  if (answer === offer.use) await svc.selectAdapter(adapterName);
  return adapterName;
}

/** Test-only limits on training length (TESTTUNE_TRAIN_MAX_STEPS), so the integration suite stays short. */
function testOverrides(): { maxSteps?: number } {
  const n = Number(process.env.TESTTUNE_TRAIN_MAX_STEPS);
  return Number.isInteger(n) && n > 0 ? { maxSteps: n } : {};
}
