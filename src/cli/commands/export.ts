// `testtune export <repoDir> --out <dir>`: the repository's pairs as JSONL split by test class, and a
// train.py for transformers + PEFT (+ accelerate) with the study's recipe, for training elsewhere; the
// adapter it writes loads back into TestTune (src/finetune/export.ts, src/finetune/train-py.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportPairs } from '../../finetune/export';
import { FinetuneError } from '../../finetune/finetune';
import { METHODS, type Method } from '../../train/recipe';
import { bool, int, parseArgs, str, UsageError, type CliCommand } from '../command';
import { defaultModelDir } from './finetune';

const USAGE = `usage: testtune export <repoDir> --out <dir> [--model <dir>] [--method lora|ia3|prompt|full]
                      [--heldout-share x] [--validation-share x] [--seed n] [--with-sources] [--json]

Mines the repository's (focal method, test) pairs and writes into --out (created; it must not exist or be empty):
  train.jsonl, validation.jsonl, test.jsonl   one pair per line, split by test class like 'testtune finetune'
                (test: --heldout-share of the pairs, default 0.2; validation: --validation-share of the rest,
                default 0.1; no test class on two sides). Fields: source (the prompt: focal class + test class
                up to the test method's '{'), target (the test method's body), and where the pair came from
                (repository, focal_class, focal_method, focal_path, focal_line, test_class, test_case, test_path).
                datasets.load_dataset('json', data_files={'train': 'train.jsonl', ...}) reads them.
  sources.jsonl (--with-sources) the main source files, {"path", "text"}: language-model data for train.py --with-sources
  train.py      transformers + PEFT + accelerate, the study's recipe, the model's adapter targets; writes a PEFT
                adapter that 'testtune generate --adapter <dir>' loads. python train.py --out adapter; several GPUs:
                accelerate launch --multi_gpu --num_processes N train.py --out adapter --accum 8/N
--model <dir>   the model to train (default: the shipped models/default): train.py's default --model`;

export const command: CliCommand = {
  name: 'export',
  summary: 'write the repository\'s pairs as JSONL and a transformers + PEFT train.py, to train elsewhere',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['out', 'model', 'method', 'heldout-share', 'validation-share', 'seed'], booleans: ['json', 'with-sources'] });
    const [repo, ...extra] = args.positional;
    if (!repo || extra.length) throw new UsageError(USAGE);
    if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a folder: ${repo}`);
    const out = str(args, 'out');
    if (!out) throw new UsageError(`--out is required\n\n${USAGE}`);
    const method = str(args, 'method') ?? 'lora';
    if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got '${method}'`);
    const modelDir = str(args, 'model') ?? defaultModelDir();
    for (const f of ['config.json', 'tokenizer.json']) if (!fs.existsSync(path.join(modelDir, f))) throw new UsageError(`model folder ${modelDir} lacks ${f}`);
    const share = (name: string, fallback: number, min: number): number => {
      const v = str(args, name);
      const x = v === undefined ? fallback : Number(v);
      if (!(x >= min && x < 1)) throw new UsageError(`--${name} must be a fraction in ${min === 0 ? '[0' : '(0'}, 1), got '${v}'`);
      if (min > 0 && x === 0) throw new UsageError(`--${name} must be above 0`);
      return x;
    };
    try {
      const s = await exportPairs({
        repoDir: repo,
        outDir: out,
        modelDir,
        method: method as Method,
        heldOutShare: share('heldout-share', 0.2, Number.MIN_VALUE),
        validationShare: share('validation-share', 0.1, 0),
        seed: int(args, 'seed'),
        withSources: bool(args, 'with-sources'),
      });
      if (bool(args, 'json')) console.log(JSON.stringify(s));
      else
        console.log(
          `${s.pairs.total} pairs of ${s.repository}: ${s.pairs.train} train, ${s.pairs.validation} validation, ${s.pairs.test} test ` +
            `(${s.testClasses.train} / ${s.testClasses.validation} / ${s.testClasses.test} test classes)${s.sources !== undefined ? `; ${s.sources} main source files` : ''}\n` +
            `wrote ${s.files.join(', ')} to ${s.outDir}\ntrain: python ${path.join(s.outDir, 'train.py')} --out <adapterDir>`,
        );
      return 0;
    } catch (e) {
      if (e instanceof FinetuneError) {
        console.error(`testtune export: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
