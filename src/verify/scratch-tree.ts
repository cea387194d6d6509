// The working directory of test runs: a copy of the project (without build output and VCS folders)
// in the cache, made once per project and state of its files, so that tests that read files by
// relative path (src/test/resources/...) find them, and tests that write files change the copy,
// never the workspace. Writes persist in the copy across runs of the same project state.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyProject } from '../project/layout';
import type { ProjectModel } from './project';
import { treeStamp } from './result-cache';
import { publishDir } from '../util/publish-dir';

/** The copy's root under `<cacheDir>/trees/`, created on first use. */
export function scratchTree(root: string, model: Pick<ProjectModel, 'resourceRoots' | 'testResourceRoots' | 'testRoots'>, cacheDir: string): string {
  const stamp = crypto
    .createHash('sha256')
    .update(path.resolve(root) + '\0' + [...model.resourceRoots, ...model.testResourceRoots, ...model.testRoots].map((d) => treeStamp(d)).join(','))
    .digest('hex')
    .slice(0, 16);
  const dest = path.join(cacheDir, 'trees', stamp);
  if (fs.existsSync(path.join(dest, '.testtune-complete'))) return path.join(dest, 'project');
  // A folder without the marker is a copy an older version left half-built: replace it. Built in a
  // private sibling and renamed into place, so a concurrent run never sees or removes a half-built copy.
  if (fs.existsSync(dest)) fs.rmSync(dest, { recursive: true, force: true });
  publishDir(dest, (tmp) => {
    copyProject(root, path.join(tmp, 'project'));
    fs.writeFileSync(path.join(tmp, '.testtune-complete'), '');
  });
  return path.join(dest, 'project');
}
