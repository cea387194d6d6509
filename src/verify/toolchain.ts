// The Java toolchain verification (and evaluation through it) uses: javac/java from PATH and the jars Debian
// packages put in /usr/share/java (junit4, junit5, libmockito-java, libhamcrest-java,
// libjacoco-java). JaCoCo 0.8.6's usable agent is `jacocoagent.jar` *inside* org.jacoco.agent.jar;
// it is extracted once into the cache directory. Nothing here throws: missing parts are reported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess } from '../util/process';

export const JAVA_DIR = process.env.TESTTUNE_JAVA_JARS ?? '/usr/share/java';

/** Short-lived JVMs: C1 only and the serial collector cut start-up CPU time (JVMs here live seconds). */
export const FAST_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export interface Toolchain {
  java: string;
  javac: string;
  junit4: string[]; // junit4 + hamcrest
  junit5Console: string; // junit-platform-console-standalone (jupiter + vintage engines)
  mockito: string[]; // mockito-core + byte-buddy + objenesis
  jacocoAgent: string; // the extracted jacocoagent.jar
  jacocoReport: string[]; // org.jacoco.core + report + ASM, for the coverage helper
  errors: string[];
}

function jar(name: string, errors: string[], pkg: string): string {
  const p = path.join(JAVA_DIR, name);
  if (!fs.existsSync(p)) errors.push(`missing ${p} (apt-get install ${pkg})`);
  return p;
}

/** Extracts jacocoagent.jar from org.jacoco.agent.jar (a zip with the agent stored inside). */
async function extractAgent(cacheDir: string, errors: string[]): Promise<string> {
  const out = path.join(cacheDir, 'jacocoagent.jar');
  if (fs.existsSync(out)) return out;
  const outer = jar('org.jacoco.agent.jar', errors, 'libjacoco-java');
  if (!fs.existsSync(outer)) return out;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, 'agent-'));
  const r = await runProcess('unzip', ['-o', '-q', outer, 'jacocoagent.jar', '-d', tmp], { timeoutMs: 30_000 });
  if (r.code !== 0 || !fs.existsSync(path.join(tmp, 'jacocoagent.jar'))) {
    errors.push(`could not extract jacocoagent.jar from ${outer}: ${r.stderr.trim() || 'unzip failed'}`);
    return out;
  }
  fs.renameSync(path.join(tmp, 'jacocoagent.jar'), out);
  fs.rmSync(tmp, { recursive: true, force: true });
  return out;
}

export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), `testtune-eval-${process.getuid?.() ?? 'user'}`);
}

let cached: Promise<Toolchain> | undefined;

export function loadToolchain(cacheDir = defaultCacheDir()): Promise<Toolchain> {
  cached ??= (async () => {
    const errors: string[] = [];
    for (const tool of ['java', 'javac']) {
      const r = await runProcess(tool, ['-version'], { timeoutMs: 30_000 });
      if (r.code !== 0) errors.push(`${tool} not found on PATH (install a JDK, e.g. apt-get install default-jdk)`);
    }
    const tc: Toolchain = {
      java: 'java',
      javac: 'javac',
      junit4: [jar('junit4.jar', errors, 'junit4'), jar('hamcrest-core.jar', errors, 'libhamcrest-java')],
      junit5Console: jar('junit-platform-console-standalone.jar', errors, 'junit5'),
      mockito: ['mockito-core.jar', 'byte-buddy.jar', 'byte-buddy-agent.jar', 'objenesis.jar'].map((j) => path.join(JAVA_DIR, j)).filter((p) => fs.existsSync(p)),
      jacocoAgent: await extractAgent(cacheDir, errors),
      jacocoReport: [
        jar('org.jacoco.core.jar', errors, 'libjacoco-java'),
        jar('org.jacoco.report.jar', errors, 'libjacoco-java'),
        ...['asm.jar', 'asm-commons.jar', 'asm-tree.jar'].map((j) => jar(j, errors, 'libasm-java')),
      ],
      errors,
    };
    return tc;
  })();
  return cached;
}
