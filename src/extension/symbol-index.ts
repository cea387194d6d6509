// Thin wiring of the symbol index (src/symbols/) into the editor: one index per workspace folder, built in
// the background once the workspace is trusted (the build reads the project's jars and sources; it never
// runs them, but an untrusted folder is left alone as everywhere else), progress in a status bar item,
// a saved or deleted .java file re-indexed alone. Generation asks `symbolIndexFor(uri)` and gets the index
// as far as it is built (`complete: false` until the end): it never waits for it.
import * as vscode from 'vscode';
import { buildIndex, indexSourceFile, type IndexProgress } from '../symbols/build-index';
import { symbolCacheDir } from '../symbols/disk-cache';
import { projectIndexInputs } from '../symbols/project-index';
import { SymbolIndex } from '../symbols/symbol-index';
import type { Log } from './log';

interface FolderIndex {
  index: SymbolIndex;
  controller: AbortController;
}

const folders = new Map<string, FolderIndex>();

/** The index of the workspace folder holding `uri`, as far as it is built; undefined before trust or outside a folder. */
export function symbolIndexFor(uri: vscode.Uri): SymbolIndex | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? folders.get(folder.uri.fsPath)?.index : undefined;
}

function progressText(p: IndexProgress): string {
  return p.phase === 'jdk' ? 'the JDK' : p.phase === 'classpath' ? `libraries ${p.done}/${p.total}` : `sources ${p.done}/${p.total}`;
}

/** Starts indexing every workspace folder (now if trusted, else when trust is granted) and keeps the indexes fresh. */
export function startSymbolIndexing(log: Log): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('testtune.symbols', vscode.StatusBarAlignment.Left, 0);
  item.name = 'TestTune symbol index';
  let running = 0;

  const build = async (folder: vscode.WorkspaceFolder): Promise<void> => {
    const root = folder.uri.fsPath;
    folders.get(root)?.controller.abort();
    const entry: FolderIndex = { index: folders.get(root)?.index ?? new SymbolIndex(), controller: new AbortController() };
    folders.set(root, entry);
    running++;
    item.text = `$(sync~spin) TestTune: indexing ${folder.name}`;
    item.show();
    try {
      const inputs = projectIndexInputs(root);
      const summary = await buildIndex(entry.index, inputs, {
        cacheDir: symbolCacheDir(),
        signal: entry.controller.signal,
        onProgress: (p) => (item.text = `$(sync~spin) TestTune: indexing ${progressText(p)}`),
      });
      if (entry.controller.signal.aborted) return;
      const s = entry.index.stats();
      log.info(`symbol index of ${folder.name}: ${s.types} types (${summary.parsed} sources parsed, ${summary.reused} unchanged; ${summary.jarsRead} jars read, ${summary.jarsFromCache} cached; JDK ${summary.jdk ?? 'not read'}) in ${(summary.ms / 1000).toFixed(1)} s`);
      for (const w of summary.warnings.slice(0, 20)) log.warn(`symbol index: ${w}`);
      if (summary.warnings.length > 20) log.warn(`symbol index: ${summary.warnings.length - 20} more warnings`);
    } catch (err) {
      log.error(`symbol index of ${folder.name} failed`, err);
    } finally {
      if (--running === 0) item.hide();
    }
  };
  const buildAll = (): void => {
    if (!vscode.workspace.isTrusted) return;
    for (const f of vscode.workspace.workspaceFolders ?? []) void build(f);
  };

  const reindex = async (uri: vscode.Uri, text?: string): Promise<void> => {
    const index = symbolIndexFor(uri);
    if (!index || !uri.fsPath.endsWith('.java')) return;
    const r = await indexSourceFile(index, uri.fsPath, text);
    for (const w of r.warnings) log.warn(`symbol index: ${w}`);
  };

  buildAll();
  const subscriptions = [
    item,
    vscode.workspace.onDidGrantWorkspaceTrust(buildAll),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) {
        folders.get(f.uri.fsPath)?.controller.abort();
        folders.delete(f.uri.fsPath);
      }
      if (vscode.workspace.isTrusted) for (const f of e.added) void build(f);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => void reindex(doc.uri)),
    vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((f) => void reindex(f))),
    vscode.workspace.onDidCreateFiles((e) => e.files.forEach((f) => void reindex(f))),
  ];
  return new vscode.Disposable(() => {
    for (const f of folders.values()) f.controller.abort();
    folders.clear();
    for (const s of subscriptions) s.dispose();
  });
}
