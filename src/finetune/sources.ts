// The repository's main sources as language-model documents for fine-tuning (issue 20, item 2): the
// Java files of the project model's main source folders (never its test folders, so no held-out test
// is ever trained on), each one document named by its path relative to the repository. The training
// loop cuts them into sequence-length chunks and bounds their share (src/train/documents.ts).
// Never throws: an unreadable file is named in `skipped`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceFiles } from '../project/layout';
import type { ProjectModel } from '../project/model';
import type { Document } from '../train/documents';

export interface MainSources {
  documents: Document[];
  skipped: string[]; // files that could not be read, with why
}

/**
 * The main source files of the project (its main roots, minus the build's excludes) as documents;
 * `testFiles` (paths relative to the root, e.g. the mined pairs' test_path) are left out too, for
 * plain layouts whose tests sit beside the code.
 */
export function mainSourceDocuments(project: Pick<ProjectModel, 'root' | 'mainRoots' | 'testRoots' | 'excludes'>, testFiles: ReadonlySet<string> = new Set()): MainSources {
  const documents: Document[] = [];
  const skipped: string[] = [];
  const testRoots = project.testRoots.map((r) => path.resolve(r) + path.sep);
  const files = sourceFiles(project.mainRoots, project.excludes.main).sort();
  for (const f of files) {
    // a main root that contains the test root (plain layouts) must not bring the tests in
    const rel = path.relative(project.root, f).split(path.sep).join('/');
    if (testRoots.some((t) => path.resolve(f).startsWith(t)) || testFiles.has(rel)) continue;
    try {
      documents.push({ id: rel, text: fs.readFileSync(f, 'utf8') });
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message}`);
    }
  }
  return { documents, skipped };
}

/** Serialises documents as the JSONL `testtune train --sources` reads (one {"path", "text"} per line). */
export function documentsJsonl(documents: readonly Document[]): string {
  return documents.map((d) => JSON.stringify({ path: d.id, text: d.text }) + '\n').join('');
}
