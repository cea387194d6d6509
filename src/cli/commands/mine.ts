// `testtune mine <repoDir>`: focal-method/test pairs of a Java repository, with a skip report.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, str, int, bool, UsageError, type CliCommand } from '../command';
import { mineRepo } from '../../data/miner';
import { formatReport } from '../../data/report';
import { splitByClass } from '../../data/split';
import { isContextFormat, DEFAULT_FORMAT } from '../../java/context';

const USAGE = `usage: testtune mine <repoDir> --out <pairs.jsonl> [--report <report.json>] [--json]
                     [--format fm+fc+c+m+f+t+tc] [--repository <name>] [--held-out <fraction>]

Finds test classes (JUnit 3/4/5, TestNG @Test methods), maps each to its focal class by name and path
(FooTest/TestFoo/FooTests → Foo, src/test/java ↔ src/main/java) and each test method to its focal method
(by name: testFoo, fooTest, foo_returnsX, shouldFoo… → foo; else the one focal-class method it calls;
overloads by arity and visible argument types). Writes one JSON record per line:
  repository, focal_class, focal_method, test_class, test_case, source, target, focal_path, test_path
(source: the study's context format, target: the test body through the closing braces), deduplicated.
--held-out f   also writes <out>.train.jsonl and <out>.heldout.jsonl, split by focal class
--json         prints the full report (every skip with its reason) as JSON instead of a summary`;

export const command: CliCommand = {
  name: 'mine',
  summary: 'mine focal-method/test pairs from a Java repository (JSONL + skip report)',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['out', 'report', 'format', 'repository', 'held-out', 'seed'], booleans: ['json'] });
    const [repo, ...extra] = args.positional;
    if (!repo || extra.length) throw new UsageError(USAGE);
    if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a folder: ${repo}`);
    const out = str(args, 'out');
    if (!out) throw new UsageError('--out <pairs.jsonl> is required');
    const format = str(args, 'format') ?? DEFAULT_FORMAT;
    if (!isContextFormat(format)) throw new UsageError(`unknown --format '${format}'`);
    const heldOut = str(args, 'held-out');
    const fraction = heldOut === undefined ? undefined : Number(heldOut);
    if (fraction !== undefined && !(fraction > 0 && fraction < 1)) throw new UsageError('--held-out must be a fraction in (0, 1)');

    const { records, report } = await mineRepo(repo, { repository: str(args, 'repository'), format });
    if (report.files === 0) console.error(`no .java files under ${repo} (build output, .git and node_modules folders are not searched)`);
    else if (report.testClasses === 0) console.error('no test classes found (classes with @Test methods, or JUnit 3 TestCase subclasses)');
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const jsonl = (rs: object[]): string => rs.map((r) => JSON.stringify(r) + '\n').join('');
    fs.writeFileSync(out, jsonl(records));
    if (fraction !== undefined) {
      const split = splitByClass(records, fraction, int(args, 'seed') ?? 0);
      const base = out.replace(/\.jsonl$/, '');
      fs.writeFileSync(`${base}.train.jsonl`, jsonl(split.train));
      fs.writeFileSync(`${base}.heldout.jsonl`, jsonl(split.heldOut));
      console.error(`split by focal class: ${split.train.length} train, ${split.heldOut.length} held out`);
    }
    const reportFile = str(args, 'report');
    if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n');
    if (bool(args, 'json')) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReport(report));
    return 0;
  },
};
