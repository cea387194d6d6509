// Multi-module Maven projects: the reactor is the set of modules of the outermost aggregator pom
// above (or at) a folder. A module's dependency on a sibling resolves to the sibling's folder
// (maven-resolve.ts), not to a jar in ~/.m2 that may be stale or absent.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PomLoader } from './effective-pom';
import { detectSourceLayout } from './layout';
import type { ReactorModule } from './maven-resolve';

const MAX_LEVELS_UP = 5;
const MAX_MODULES = 500;

/** The folder of the outermost aggregator that lists `root` (directly or through nested aggregators). */
function reactorTop(root: string, loader: PomLoader): string {
  let top = root;
  let dir = root;
  for (let i = 0; i < MAX_LEVELS_UP; i++) {
    const up = path.dirname(dir);
    if (up === dir || !fs.existsSync(path.join(up, 'pom.xml'))) break;
    const listed = loader.fromFile(path.join(up, 'pom.xml')).modules.some((m) => path.resolve(up, m) === dir || path.resolve(up, m) === path.join(dir, 'pom.xml'));
    if (!listed) break;
    top = up;
    dir = up;
  }
  return top;
}

/** All modules of the reactor `root` belongs to, by groupId:artifactId (aggregators included). */
export function findReactor(root: string, loader: PomLoader): Map<string, ReactorModule> {
  const out = new Map<string, ReactorModule>();
  const visit = (dir: string) => {
    const file = path.join(dir, 'pom.xml');
    if (out.size >= MAX_MODULES || !fs.existsSync(file)) return;
    const pom = loader.fromFile(file);
    const key = `${pom.groupId}:${pom.artifactId}`;
    if (out.has(key)) return;
    out.set(key, { dir, pom, mainRoots: detectSourceLayout(dir, pom).mainRoots });
    for (const m of pom.modules) {
      const target = path.resolve(dir, m);
      visit(target.endsWith('.xml') ? path.dirname(target) : target);
    }
  };
  visit(reactorTop(root, loader));
  return out;
}

/** The modules a model of `root` covers: `root` itself, or for an aggregator every jar module below it. */
export function modulesBelow(root: string, reactor: Map<string, ReactorModule>, loader: PomLoader): ReactorModule[] {
  const pom = loader.fromFile(path.join(root, 'pom.xml'));
  const self: ReactorModule = reactor.get(`${pom.groupId}:${pom.artifactId}`) ?? { dir: root, pom, mainRoots: detectSourceLayout(root, pom).mainRoots };
  if (pom.packaging !== 'pom' || !pom.modules.length) return [self];
  const below = [...reactor.values()].filter((m) => m.pom.packaging !== 'pom' && (m.dir === root || m.dir.startsWith(root + path.sep)));
  return below.length ? below : [self];
}
