// One synchronous directory walk for the small tree scans (source files of a layout, the newest
// class file, the miner's file list): unreadable folders are passed over, links are not followed
// (Dirent types come from readdir), and the caller decides which folders to enter.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WalkVisitor {
  /** Whether to descend into the folder `name` at `fullPath` (default: every folder). */
  enterDir?(name: string, fullPath: string): boolean;
  /** A regular file (or, for `includeOther`, any non-folder entry). */
  file(fullPath: string, name: string): void;
  /** Visit entries that are neither folders nor regular files too (the newest-mtime scan counts them). */
  includeOther?: boolean;
}

/** Walks `root` depth-first in readdir order. */
export function walkTree(root: string, visitor: WalkVisitor): void {
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const fullPath = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!visitor.enterDir || visitor.enterDir(e.name, fullPath)) walk(fullPath);
      } else if (e.isFile() || visitor.includeOther) visitor.file(fullPath, e.name);
    }
  };
  walk(root);
}
