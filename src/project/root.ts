// Which folder is the project of a file: the outermost folder above it with a Maven or Gradle build
// file, not crossing a .git folder (so a module's file belongs to its multi-module build).
import * as fs from 'node:fs';
import * as path from 'node:path';

const PROJECT_MARKERS = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

/** The outermost folder above `file` with a Maven/Gradle build file (stops at a .git folder), else the file's folder. */
export function findProjectRoot(file: string): string {
  let dir = path.dirname(path.resolve(file));
  let found: string | undefined;
  for (;;) {
    if (PROJECT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) found = dir;
    if (fs.existsSync(path.join(dir, '.git'))) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return found ?? path.dirname(path.resolve(file));
}
