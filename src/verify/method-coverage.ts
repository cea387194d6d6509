// The focal METHOD's coverage from JaCoCo execution data (evaluation sums the methods for a class's). A tiny Java helper,
// compiled once into the cache against JaCoCo 0.8.6's core jar, analyses the focal class file and
// its nested classes and prints, per method, its name, descriptor, line range, line statuses and
// branch counters as JSON. Here the focal method is picked by name and source lines, and lambdas and
// anonymous classes written inside it count as part of it (their lines lie in its range).
import * as path from 'node:path';
import { compileHelperClass } from './helper-class';
import { FAST_JVM, type Toolchain } from './toolchain';
import { runProcess } from '../util/process';

const HELPER = 'TesttuneMethodCoverage';
const HELPER_SOURCE = `import java.io.File;
import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.IClassCoverage;
import org.jacoco.core.analysis.ICounter;
import org.jacoco.core.analysis.IMethodCoverage;
import org.jacoco.core.tools.ExecFileLoader;

/** args: classesDir internalName(com/x/Foo) exec... ; prints one JSON object per method, one a line. */
public class ${HELPER} {
  public static void main(String[] args) throws Exception {
    ExecFileLoader loader = new ExecFileLoader();
    for (int i = 2; i < args.length; i++) {
      File f = new File(args[i]);
      if (f.isFile() && f.length() > 0) loader.load(f);
    }
    CoverageBuilder builder = new CoverageBuilder();
    Analyzer analyzer = new Analyzer(loader.getExecutionDataStore(), builder);
    File base = new File(args[0], args[1] + ".class");
    String simple = base.getName().substring(0, base.getName().length() - 6);
    File[] all = base.getParentFile() == null ? null : base.getParentFile().listFiles();
    if (all != null) {
      for (File f : all) {
        String n = f.getName();
        if (n.equals(simple + ".class") || (n.startsWith(simple + "$") && n.endsWith(".class"))) analyzer.analyzeAll(f);
      }
    }
    StringBuilder out = new StringBuilder();
    for (IClassCoverage c : builder.getClasses()) {
      for (IMethodCoverage m : c.getMethods()) {
        out.append("{\\"cls\\":\\"").append(c.getName()).append("\\",\\"name\\":\\"").append(m.getName())
            .append("\\",\\"desc\\":\\"").append(m.getDesc()).append("\\",\\"first\\":").append(m.getFirstLine())
            .append(",\\"last\\":").append(m.getLastLine())
            .append(",\\"entered\\":").append(m.getMethodCounter().getCoveredCount() > 0)
            .append(",\\"instructions\\":[").append(m.getInstructionCounter().getCoveredCount()).append(",").append(m.getInstructionCounter().getMissedCount()).append("]")
            .append(",\\"branches\\":[").append(m.getBranchCounter().getCoveredCount()).append(",").append(m.getBranchCounter().getMissedCount())
            .append("],\\"lines\\":[");
        boolean first = true;
        for (int l = m.getFirstLine(); l >= 0 && l <= m.getLastLine(); l++) {
          int s = m.getLine(l).getStatus();
          if (s == ICounter.EMPTY) continue;
          if (!first) out.append(",");
          first = false;
          out.append("[").append(l).append(",").append(s == ICounter.NOT_COVERED ? 0 : 1).append("]");
        }
        out.append("]}\\n");
      }
    }
    System.out.print(out);
  }
}
`;

export interface MethodCounters {
  cls: string; // internal name, e.g. com/x/Foo$1
  name: string;
  desc: string;
  first: number; // 1-based source lines; -1 without debug info
  last: number;
  entered: boolean; // at least one instruction ran
  instructions: [number, number]; // covered, missed
  branches: [number, number]; // covered, missed
  lines: [number, 0 | 1][]; // line, covered?
}

export interface FocalCoverage {
  entered: boolean;
  lines: { covered: number; total: number };
  branches: { covered: number; total: number };
}

/** Compiles the helper into `<cacheDir>/method-coverage` once; returns its class directory or an error. */
export async function prepareMethodCoverage(tc: Toolchain, cacheDir: string): Promise<{ dir?: string; error?: string }> {
  return compileHelperClass(tc.javac, { dir: path.join(cacheDir, 'method-coverage-v2'), className: HELPER, source: HELPER_SOURCE, javacArgs: ['-cp', tc.jacocoReport.join(path.delimiter)], what: 'method coverage helper' });
}

/** Every method's counters of `internalName` (and its nested classes) under `classesDir`. */
export async function methodCounters(tc: Toolchain, helperDir: string, classesDir: string, internalName: string, execFiles: string[]): Promise<MethodCounters[] | { error: string }> {
  const cp = [helperDir, ...tc.jacocoReport].join(path.delimiter);
  const r = await runProcess(tc.java, [...FAST_JVM, '-cp', cp, HELPER, classesDir, internalName, ...execFiles], { timeoutMs: 60_000 });
  if (r.code !== 0) return { error: `method coverage helper failed: ${(r.stderr || r.stdout).trim().slice(0, 500)}` };
  const out: MethodCounters[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MethodCounters);
    } catch {
      return { error: `method coverage helper printed an unreadable line: ${line.slice(0, 200)}` };
    }
  }
  if (!out.length) return { error: `no class file ${internalName}.class under ${classesDir}` };
  return out;
}

/** Parameter count of a JVM method descriptor, e.g. (JLjava/lang/String;[I)V → 3. */
export function descriptorArity(desc: string): number {
  const params = /^\(([^)]*)\)/.exec(desc)?.[1] ?? '';
  return params.match(/\[*(?:L[^;]+;|[ZBCSIJFD])/g)?.length ?? 0;
}

/**
 * The focal method's coverage: the method named `methodName` in `internalName` whose lines lie in
 * [startLine, endLine] (1-based; by arity when no lines are given), plus lambdas and anonymous-class
 * methods whose lines lie inside it. Lines are counted once (a line with code of both counts as
 * covered when either ran); branches are summed.
 */
export function focalCoverage(
  methods: MethodCounters[],
  focal: { internalName: string; methodName: string; arity: number; startLine?: number; endLine?: number },
): FocalCoverage | undefined {
  const inRange = (m: MethodCounters) => focal.startLine !== undefined && focal.endLine !== undefined && m.first >= focal.startLine && m.last <= focal.endLine && m.first > 0;
  const named = methods.filter((m) => m.cls === focal.internalName && m.name === focal.methodName);
  const main = named.find(inRange) ?? (named.filter((m) => descriptorArity(m.desc) === focal.arity).length === 1 ? named.find((m) => descriptorArity(m.desc) === focal.arity) : undefined);
  if (!main) return undefined;
  const parts = [main, ...methods.filter((m) => m !== main && inRange(m) && (m.name.startsWith('lambda$') || /\$\d+$/.test(m.cls)))];
  const lines = new Map<number, boolean>();
  let bc = 0;
  let bm = 0;
  for (const p of parts) {
    for (const [line, covered] of p.lines) lines.set(line, (lines.get(line) ?? false) || covered === 1);
    bc += p.branches[0];
    bm += p.branches[1];
  }
  const covered = [...lines.values()].filter(Boolean).length;
  return { entered: main.entered, lines: { covered, total: lines.size }, branches: { covered: bc, total: bc + bm } };
}
