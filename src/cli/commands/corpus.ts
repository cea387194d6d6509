// `testtune corpus fetch|build`: the Debian training corpus (see src/data/corpus/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, str, int, bool, UsageError, type CliCommand } from '../command';
import { fetchPackages, parsePackageList, restrictToAllowed } from '../../data/corpus/fetch';
import { buildCorpus } from '../../data/corpus/build';

const USAGE = `usage:
  testtune corpus fetch --dir <cacheDir> [--packages <list>] [--allowed <list>] [--limit n] [--concurrency n]
  testtune corpus build --dir <cacheDir> --out <outDir> [--tokenizer <tokenizer.json>] [--limit n]
                        [--valid-fraction 0.05] [--shard-mb 64] [--allowed <list>] [--no-pairs]

fetch   downloads Debian (bookworm) source packages with 'apt-get source --download-only' through a
        private sources.list and apt state under <cacheDir>/apt (the machine's apt setup is not touched).
        Resumable; failures are reported and skipped (<cacheDir>/fetch-report.json).
        --packages defaults to the training list; every package must be on --allowed (the training list,
        default ../shared/corpus/train-packages.txt): other Debian packages are reserved for evaluation.
build   unpacks the .java files of each fetched package, drops exact and near-exact duplicates, and writes
        <outDir>/pretrain/shard-*.jsonl ({repository, path, text}), <outDir>/pairs/{train,valid}.jsonl
        (mined focal-method/test pairs, split by package), <outDir>/mine-report.json and <outDir>/stats.json.
        Cached packages that are not on --allowed are left out.`;

function defaultTrainList(): string | undefined {
  const candidates = [
    path.resolve(process.cwd(), '../shared/corpus/train-packages.txt'),
    path.resolve(__dirname, '../../shared/corpus/train-packages.txt'),
    path.resolve(__dirname, '../../../../shared/corpus/train-packages.txt'),
    '/work/shared/corpus/train-packages.txt',
  ];
  return candidates.find((c) => fs.existsSync(c));
}

function readList(file: string): ReturnType<typeof parsePackageList>['packages'] {
  if (!fs.existsSync(file)) throw new UsageError(`package list not found: ${file}`);
  const { packages, errors } = parsePackageList(fs.readFileSync(file, 'utf8'));
  if (errors.length) throw new UsageError(`${file}: ${errors.slice(0, 5).join('; ')}`);
  return packages;
}

async function fetchCmd(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['dir', 'packages', 'allowed', 'limit', 'concurrency'] });
  const dir = str(args, 'dir');
  if (!dir) throw new UsageError('--dir <cacheDir> is required');
  const allowedFile = str(args, 'allowed') ?? defaultTrainList();
  if (!allowedFile) throw new UsageError('cannot find the training list; pass --allowed <train-packages.txt>');
  const allowed = readList(allowedFile);
  const wanted = str(args, 'packages') ? readList(str(args, 'packages')!) : allowed;
  const { kept, rejected } = restrictToAllowed(wanted, allowed);
  if (rejected.length) console.error(`not on the training list, not fetched: ${rejected.join(', ')}`);
  const report = await fetchPackages(kept, { cacheDir: dir, limit: int(args, 'limit'), concurrency: int(args, 'concurrency') });
  console.log(
    `fetched ${report.fetched.length}, cached ${report.cached.length}, failed ${report.failed.length} of ${report.requested}; ` +
      `${(report.bytes / 1048576).toFixed(1)} MiB in ${path.resolve(dir)}`,
  );
  for (const f of report.failed) console.log(`  failed: ${f.name} ${f.version ?? ''}: ${f.reason}`);
  return report.failed.length > 0 && report.fetched.length + report.cached.length === 0 ? 1 : 0;
}

async function buildCmd(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['dir', 'out', 'tokenizer', 'limit', 'valid-fraction', 'shard-mb', 'allowed'], booleans: ['no-pairs'] });
  const allowedFile = str(args, 'allowed') ?? defaultTrainList();
  if (!allowedFile) throw new UsageError('cannot find the training list; pass --allowed <train-packages.txt>');
  const allowed = new Set(readList(allowedFile).map((p) => p.name));
  const dir = str(args, 'dir');
  const out = str(args, 'out');
  if (!dir || !out) throw new UsageError('--dir <cacheDir> and --out <outDir> are required');
  const vf = str(args, 'valid-fraction');
  const validFraction = vf === undefined ? undefined : Number(vf);
  if (validFraction !== undefined && !(validFraction >= 0 && validFraction < 1)) throw new UsageError('--valid-fraction must be in [0, 1)');
  const stats = await buildCorpus({
    cacheDir: dir,
    outDir: out,
    tokenizerPath: str(args, 'tokenizer'),
    limit: int(args, 'limit'),
    validFraction,
    shardBytes: int(args, 'shard-mb') !== undefined ? int(args, 'shard-mb')! * 1048576 : undefined,
    pairs: !bool(args, 'no-pairs'),
    allowed,
  });
  console.log(JSON.stringify(stats.totals, null, 2));
  return 0;
}

export const command: CliCommand = {
  name: 'corpus',
  summary: 'fetch Debian Java source packages and build the training corpus (text shards, mined pairs, stats)',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'fetch') return fetchCmd(rest);
    if (sub === 'build') return buildCmd(rest);
    throw new UsageError(`expected 'fetch' or 'build'\n${USAGE}`);
  },
};
