// "Generate test": the method under the cursor (or the code lens's method) → the generation pipeline
// (src/pipeline/: prepare → candidates → choose → place, the same path as the CLI's) with the model in
// the sidecar, under a cancellable progress notification → ONE WorkspaceEdit (one undo), saved or left
// dirty per `testtune.saveAfterInsert`, and revealed. A second request for the same method cancels the
// first. This file is the UI only.
import { existsSync } from 'node:fs';
import { readSourceFile } from '../java/encoding';
import * as vscode from 'vscode';
import { decodingParams } from '../pipeline/decoding';
import { runPipeline, type Stage, type VerifyRequest } from '../pipeline/pipeline';
import { describeAttempt, prepareVerifier } from '../pipeline/verify-stage';
import type { TestTuneSettings } from '../config/settings';
import { VerifyStatus } from './verify-status';
import { JavaAnalysisThread } from '../java/analysis-thread';
import { prepareTest, type PreparedTest } from '../pipeline/prepare';
import { symbolIndexFor } from './symbol-index';
import { tokenToSignal } from '../sidecar/cancellation';
import type { GenerateTestArgs } from './code-lens';
import { emitEvent } from './events';
import { errorText } from './log';
import type { Services } from './services';

const inFlight = new Map<string, vscode.CancellationTokenSource>();

function asArgs(a: unknown): { uri?: vscode.Uri; line?: number } {
  if (a instanceof vscode.Uri) return { uri: a };
  if (a && typeof a === 'object' && 'uri' in a && typeof (a as GenerateTestArgs).uri === 'string') {
    const g = a as GenerateTestArgs;
    return { uri: vscode.Uri.parse(g.uri), line: typeof g.line === 'number' ? g.line : undefined };
  }
  return {};
}

export async function generateTestCommand(svc: Services, args: unknown[]): Promise<string | undefined> {
  const t0 = Date.now();
  const given = asArgs(args[0]);
  const editor = vscode.window.activeTextEditor;
  const uri = given.uri ?? editor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('TestTune: open a Java file and put the cursor in a method to generate its test.');
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'java') {
    void vscode.window.showWarningMessage(`TestTune: "Generate test" works on Java files; ${vscode.workspace.asRelativePath(uri)} is ${doc.languageId}.`);
    return undefined;
  }
  const line = given.line ?? (editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line : undefined);
  if (line === undefined) {
    void vscode.window.showInformationMessage('TestTune: put the cursor in the method to test.');
    return undefined;
  }

  const settings = svc.settings(uri);
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const prep = await prepareTest({
    focalPath: uri.fsPath,
    focalText: doc.getText(),
    selector: { line },
    projectRoot: folder,
    testFramework: settings.testFramework,
    testSourceRoot: settings.testSourceRoot,
    readFile: (p) => readOpenOrDisk(p),
    analysis: analysisOf(svc),
    symbolIndex: symbolIndexFor(uri), // as far as it is built: generation never waits for it
  });
  for (const w of prep.warnings) svc.log.warn(w);
  if (!prep.value) {
    svc.log.warn(`generate test: ${prep.errors.join('; ')}`);
    void vscode.window.showWarningMessage(`TestTune: ${prep.errors[0] ?? 'cannot generate a test here'}`);
    emitEvent({ type: 'generateFailed', method: '', message: prep.errors.join('; ') });
    return undefined;
  }
  const p = prep.value;

  const key = `${uri.toString()}#${p.methodLabel}`;
  inFlight.get(key)?.cancel();
  const cts = new vscode.CancellationTokenSource();
  inFlight.set(key, cts);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TestTune: generating a test for ${p.methodLabel}`, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => cts.cancel());
        try {
          return await generateAndPlace(svc, p, cts.token, progress, t0);
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (err) {
    if (cts.token.isCancellationRequested) {
      svc.log.info(`generation for ${p.methodLabel} cancelled`);
      return undefined;
    }
    emitEvent({ type: 'generateFailed', method: p.methodLabel, message: errorText(err) });
    throw err;
  } finally {
    if (inFlight.get(key) === cts) inFlight.delete(key);
    cts.dispose();
  }
}

async function generateAndPlace(
  svc: Services,
  p: PreparedTest,
  token: vscode.CancellationToken,
  progress: vscode.Progress<{ message?: string }>,
  t0: number,
): Promise<string | undefined> {
  progress.report({ message: svc.snapshot().phase === 'ready' ? 'generating…' : 'starting the model…' });
  const bridge = await svc.model();
  if (token.isCancellationRequested) return undefined;
  const cancel = tokenToSignal(token);
  const settings = svc.settings(vscode.Uri.file(p.focalPath));
  let chars = 0;
  let stage = 'generating…';
  const verification = await setUpVerification(svc, p, settings, cancel.signal, progress);
  // The existing test file as VS Code decodes it (files.encoding, BOM): the edit's offsets must index
  // the document's own text, and VS Code keeps the document's encoding when it saves.
  if (p.location.exists) await vscode.workspace.openTextDocument(vscode.Uri.file(p.location.testFile));
  const run = await runPipeline({
    prepared: p,
    generator: bridge,
    decoding: decodingParams('product', settings),
    candidates: verification.request ? settings.verifyCandidates : 1,
    verify: verification.request,
    readTestFile: (path) => readOpenOrDisk(path),
    signal: cancel.signal,
    onStage: (s) => progress.report({ message: (stage = stageText(s)) }),
    onText: (delta) => {
      chars += delta.length;
      progress.report({ message: `${stage} ${chars} characters` });
    },
  }).finally(() => cancel.dispose());
  if (token.isCancellationRequested || run.cancelled) return undefined;
  for (const c of run.candidates) svc.log.info(`generated ${c.result.newTokens} tokens for ${p.methodLabel} in ${Math.round(c.result.ms)} ms (stop: ${c.result.stopReason})`);
  for (const w of run.warnings) svc.log.warn(w);
  for (const a of run.attempts) {
    svc.log.info(`${p.methodLabel}: candidate ${a.candidate + 1}${a.round ? `, repair ${a.round}` : ''}: ${describeAttempt(a, p.method.name)}${a.repairs.length ? ` after: ${a.repairs.join('; ')}` : ''} (${a.seconds.toFixed(1)} s${a.cached ? ', cached' : ''})`);
    if (a.log) svc.log.raw(a.log, 'verify');
  }
  if (!run.placed) {
    const raw = (run.chosen ?? run.candidates[0])?.result.text ?? '';
    const shown = raw.length > 1200 ? `${raw.slice(0, 1200)}\n… (${raw.length - 1200} more characters)` : raw;
    svc.log.warn(`model output was not usable:\n${shown}`);
    throw new Error(`${run.errors.join('; ') || 'no usable test method'}; see "TestTune: Show log"`);
  }
  const placed = run.placed;
  const testUri = vscode.Uri.file(placed.path);
  const edit = new vscode.WorkspaceEdit();
  if (placed.created) {
    edit.createFile(testUri, { ignoreIfExists: false, contents: undefined });
    edit.insert(testUri, new vscode.Position(0, 0), placed.newText);
  } else {
    const testDoc = await vscode.workspace.openTextDocument(testUri);
    const range = new vscode.Range(testDoc.positionAt(placed.start), testDoc.positionAt(placed.end));
    edit.replace(testUri, range, placed.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit to ${vscode.workspace.asRelativePath(testUri)}`);
  const testDoc = await vscode.workspace.openTextDocument(testUri);
  if (svc.settings(testUri).saveAfterInsert) await testDoc.save();
  const shown = await vscode.window.showTextDocument(testDoc, { preview: false });
  const at = placed.methodOffset !== undefined ? testDoc.positionAt(placed.methodOffset) : new vscode.Position(0, 0);
  shown.selection = new vscode.Selection(at, at);
  shown.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const ms = Date.now() - t0;
  const outcome = run.best ? describeAttempt(run.best, p.method.name) : `not verified: ${verification.why}`;
  statusOf(svc).show(testDoc, placed.methodOffset ?? 0, outcome, run.best?.status === 'passes');
  void vscode.window.showInformationMessage(`TestTune: ${placed.testMethodName} — ${outcome}`);
  svc.log.info(`${placed.created ? 'created' : 'updated'} ${vscode.workspace.asRelativePath(testUri)} with ${placed.testMethodName} (${ms} ms)`);
  emitEvent({ type: 'testWritten', file: placed.path, created: placed.created, method: p.methodLabel, ms, status: run.best?.status ?? 'not-verified', outcome });
  return placed.path;
}

function stageText(s: Stage): string {
  if (s.stage === 'placing') return 'placing the test…';
  if (s.stage === 'verifying') return `candidate ${s.candidate} of ${s.of}: ${s.round ? `repair ${s.round}, ` : ''}running…`;
  return s.of > 1 ? `candidate ${s.candidate} of ${s.of}: generating…` : 'generating…';
}

/**
 * Verification when the setting is on and the workspace is trusted (it compiles and runs project code):
 * the project model and its main classes, compiled once per state of the sources. Otherwise, or when
 * the project does not compile, generation goes on unverified and `why` says so.
 */
async function setUpVerification(
  svc: Services,
  p: PreparedTest,
  settings: TestTuneSettings,
  signal: AbortSignal | undefined,
  progress: vscode.Progress<{ message?: string }>,
): Promise<{ request?: VerifyRequest; why: string }> {
  if (!settings.verifyEnabled) return { why: 'verification is off (testtune.verify.enabled)' };
  if (!vscode.workspace.isTrusted) return { why: 'this workspace is not trusted, so TestTune does not compile or run its code' };
  progress.report({ message: 'compiling the project for verification…' });
  // running the build tool, when the user allows it, also needs the trust checked above
  const v = await prepareVerifier(p.projectRoot, { timeoutMs: settings.verifyTimeLimitSeconds * 1000, signal, runBuildTool: settings.projectRunBuildTool });
  for (const w of v.warnings) svc.log.warn(`verification: ${w}`);
  if (!v.verifier) {
    svc.log.warn(`verification: ${v.errors.join('; ')}`);
    return { why: v.errors[0] ?? 'the project could not be prepared for verification' };
  }
  return { request: { verifier: v.verifier, rounds: settings.verifyRepairRounds, insertFailing: settings.verifyInsertFailing }, why: '' };
}

let analysis: JavaAnalysisThread | undefined;
/** The Java analyses of "Generate test" on a worker thread, so the editor never waits for tree-sitter. */
function analysisOf(svc: Services): JavaAnalysisThread {
  if (!analysis) {
    const thread = new JavaAnalysisThread();
    analysis = thread;
    svc.context.subscriptions.push({ dispose: () => thread.dispose() });
  }
  return analysis;
}

let verifyStatus: VerifyStatus | undefined;
function statusOf(svc: Services): VerifyStatus {
  if (!verifyStatus) {
    verifyStatus = new VerifyStatus();
    svc.context.subscriptions.push(verifyStatus);
  }
  return verifyStatus;
}

/**
 * An open document's text (it may be dirty), else the file on disk decoded by its BOM, as UTF-8 when
 * valid, else as Latin-1 (java/encoding.ts; never U+FFFD for bytes that are not UTF-8), else undefined.
 */
function readOpenOrDisk(p: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === p);
  if (open) return open.getText();
  try {
    return existsSync(p) ? readSourceFile(p).text : undefined;
  } catch {
    return undefined; // not a regular file, or too large: treated as absent by the caller's checks
  }
}
