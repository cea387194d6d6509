// Coverage of the focal class from JaCoCo execution data. No JaCoCo CLI is packaged in Debian,
// so a tiny Java helper is compiled once (against org.jacoco.core) and run per measurement: it
// loads one or more .exec files, analyses the focal class file and its nested classes, and prints
// instruction and branch counters as JSON.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../../util/process';
import type { Toolchain } from '../../verify/toolchain';

const HELPER = 'TesttuneCoverage';
const HELPER_SOURCE = `import java.io.File;
import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.IClassCoverage;
import org.jacoco.core.tools.ExecFileLoader;

/** args: classesDir classPath(com/x/Foo) exec... ; prints {"instructions":[c,m],"branches":[c,m],"classes":n} */
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
    File[] all = base.getParentFile() == null ? new File[0] : base.getParentFile().listFiles();
    if (all != null) {
      for (File f : all) {
        String n = f.getName();
        if (n.equals(simple + ".class") || (n.startsWith(simple + "$") && n.endsWith(".class"))) analyzer.analyzeAll(f);
      }
    }
    int ic = 0, im = 0, bc = 0, bm = 0, n = 0;
    for (IClassCoverage c : builder.getClasses()) {
      ic += c.getInstructionCounter().getCoveredCount();
      im += c.getInstructionCounter().getMissedCount();
      bc += c.getBranchCounter().getCoveredCount();
      bm += c.getBranchCounter().getMissedCount();
      n++;
    }
    System.out.println("{\\"instructions\\":[" + ic + "," + im + "],\\"branches\\":[" + bc + "," + bm + "],\\"classes\\":" + n + "}");
  }
}
`;

export interface Counter {
  covered: number;
  missed: number;
}

export interface Coverage {
  instructions: Counter;
  branches: Counter;
}

export function ratio(c: Counter): number | undefined {
  const t = c.covered + c.missed;
  return t === 0 ? undefined : c.covered / t;
}

/** Compiles the helper into `dir` once; returns its class directory or an error. */
export async function prepareCoverageHelper(tc: Toolchain, dir: string): Promise<{ dir?: string; error?: string }> {
  const cls = path.join(dir, `${HELPER}.class`);
  if (fs.existsSync(cls)) return { dir };
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(dir, `${HELPER}.java`);
  fs.writeFileSync(src, HELPER_SOURCE);
  const r = await runProcess(tc.javac, ['-d', dir, '-cp', tc.jacocoReport.join(path.delimiter), src], { timeoutMs: 120_000 });
  if (r.code !== 0) return { error: `coverage helper did not compile: ${(r.stderr || r.stdout).trim().slice(0, 500)}` };
  return { dir };
}

/** Instruction and branch counters of `classFile` (e.g. com/example/Calc) under `classesDir`. */
export async function measureCoverage(tc: Toolchain, helperDir: string, classesDir: string, classPath: string, execFiles: string[]): Promise<Coverage | { error: string }> {
  const cp = [helperDir, ...tc.jacocoReport].join(path.delimiter);
  const r = await runProcess(tc.java, ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', cp, HELPER, classesDir, classPath, ...execFiles], { timeoutMs: 120_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line) as { instructions: [number, number]; branches: [number, number]; classes: number };
    if (j.classes === 0) return { error: `no class file ${classPath}.class under ${classesDir}` };
    return {
      instructions: { covered: j.instructions[0], missed: j.instructions[1] },
      branches: { covered: j.branches[0], missed: j.branches[1] },
    };
  } catch {
    return { error: `coverage helper failed: ${(r.stderr || r.stdout).trim().slice(0, 500)}` };
  }
}
