// `testtune finetune <repoDir>`: mine, split by test class, train an adapter, and judge it against the
// base model by running generated tests on the held-out focal methods (src/finetune/). One JSON object
// with --json; progress on stderr; Ctrl-C cancels and leaves no adapter behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS } from '../../config/settings';
import { BUDGET, finetune, FinetuneError, type Judgement } from '../../finetune/finetune';
import { TrainError } from '../../train/loop';
import { METHODS, RECIPE_DEFAULTS, type Method } from '../../train/recipe';
import { SMALL_PAIRS, VALIDATION_SHARE } from '../../finetune/pairs';
import { bool, int, parseArgs, str, UsageError, type CliCommand } from '../command';
import { RECIPE_FLAGS, RECIPE_FLAGS_USAGE, recipeFlags } from '../recipe-flags';

const USAGE = `usage: testtune finetune <repoDir> --method lora|ia3|prompt|full --out <dir> [--model <dir>] [--json]
                        [--max-steps n] [--heldout-share x] [--seed n] [--candidates n] [--rounds n]
                        [--max-methods n] [--classpath <jar:jar…>] [--threads n]
                        [--with-sources] [--validation-share x] [--budget] [--folds k [--fold-by test-class|focal-method]]
                        [--lr x] [--epochs n] [--lora-r n] [--lora-targets m,m…]

Mines the repository's (focal method, test) pairs, holds out whole test classes (--heldout-share of the
pairs, default 0.2; no test class and no focal class on both sides), trains the adapter on the rest with
the study's recipe (as 'testtune train'; --max-steps caps it), then generates a test for every held-out
focal method with the base model and with the adapter through the product's generation path with
verification (--candidates, default ${DEFAULT_SETTINGS.verifyCandidates}; --rounds repair rounds, default ${DEFAULT_SETTINGS.verifyRepairRounds}), compiling and running each
test (javac, JUnit, JaCoCo). Prints per side n, compiles, passes, passesCallingFocal (shares of focal
methods) and focalLineCoverage (mean), the difference in passesCallingFocal with a 95% paired bootstrap
interval, and better: whether the adapter is better by that measure (a tie is not). The adapter and its
judgement.json appear in --out only when complete. Needs at least 10 pairs; under 100 says what to expect.
--model <dir>       default: the shipped models/default
--max-methods n     judge only the first n held-out focal methods (a faster, rougher figure)
--budget            for a slower machine: at most ${BUDGET.maxSteps} optimizer steps (the recipe's 3 epochs when fewer)
                    and the first ${BUDGET.maxMethods} held-out focal methods judged (default: neither cap)
--with-sources      also train on the repository's main sources as language-model data (chunks of the
                    training length, loss on every token, at most ${RECIPE_DEFAULTS.sourcesShare} × the pairs' tokens)
--validation-share x   hold out this share of the training part (whole test classes) and stop training
                    when its loss stops improving, keeping the best step (default ${VALIDATION_SHARE} under ${SMALL_PAIRS} pairs, else 0 = off)
--folds k           cross-validation instead of one held-out part: the pairs go into k folds by test class,
                    each fold's focal methods are judged with an adapter trained on the other folds (every
                    focal method of the repository judged, none by an adapter that saw its tests), and the
                    adapter written is trained on all pairs: k + 1 trainings (--heldout-share and
                    --max-methods do not apply)
--fold-by u         what a fold holds whole: test-class (default; the gate's rule) or focal-method (all tests
                    of one focal method; other methods of its class are trained on: how fine-tuning does for
                    a new method in a class that already has tests)
${RECIPE_FLAGS_USAGE}
--classpath a:b     jars the offline dependency resolver cannot find (added to the test classpath)`;

export function defaultModelDir(): string {
  // dist/cli.js and src/cli/commands/ both sit below the package root
  for (const up of ['..', '../..', '../../..']) {
    const d = path.resolve(__dirname, up, 'models', 'default');
    if (fs.existsSync(path.join(d, 'config.json'))) return d;
  }
  return path.resolve('models', 'default');
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function summary(j: Judgement): string {
  const row = (name: string, s: Judgement['base']) =>
    `${name.padEnd(8)} n ${s.n}  compiles ${pct(s.compiles)}  passes ${pct(s.passes)}  passes+focal ${pct(s.passesCallingFocal)}  focal lines ${pct(s.focalLineCoverage)}`;
  return [
    row('base', j.base),
    row('adapter', j.adapter),
    `difference in passes+focal ${(100 * j.difference).toFixed(1)} points, 95% interval [${(100 * j.interval.low).toFixed(1)}, ${(100 * j.interval.high).toFixed(1)}]`,
    j.better ? `better: the adapter (${j.confident ? 'beyond chance' : 'within chance'})` : 'not better: keep the base model',
    ...(j.sourceChunks ? [`main sources: ${j.sourceChunks.used} of ${j.sourceChunks.chunks} chunks (${j.sourceChunks.tokens} tokens) trained on beside the pairs`] : []),
    ...(j.validation
      ? [`validation (${j.validation.pairs} pairs, ${j.validation.testClasses} test classes): best loss ${j.validation.bestLoss.toFixed(4)} at step ${j.validation.bestStep}${j.validation.stoppedEarly ? `, stopped early at step ${j.trainSteps}` : ''}; that step's adapter was kept`]
      : []),
    ...(j.folds ?? []).map((f, i) => `fold ${i + 1}: ${f.pairs} pairs (${f.testClasses.length} test classes), ${f.focalMethods} focal methods; its adapter: ${f.trainPairs} pairs, ${f.trainSteps} steps, ${f.trainSeconds.toFixed(0)} s`),
    ...j.notes.map((n) => `note: ${n}`),
    `wrote ${j.adapterDir} (judgement.json beside the adapter) in ${j.seconds.toFixed(0)} s`,
  ].join('\n');
}

export const command: CliCommand = {
  name: 'finetune',
  summary: 'train an adapter on a repository and judge it against the base model by running tests',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['method', 'out', 'model', 'max-steps', 'heldout-share', 'seed', 'candidates', 'rounds', 'max-methods', 'classpath', 'threads', 'validation-share', 'folds', 'fold-by', ...RECIPE_FLAGS],
      booleans: ['json', 'with-sources', 'budget'],
    });
    const [repo, ...extra] = args.positional;
    if (!repo || extra.length) throw new UsageError(USAGE);
    if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a folder: ${repo}`);
    const method = str(args, 'method');
    const out = str(args, 'out');
    if (!method || !out) throw new UsageError(`--method and --out are required\n\n${USAGE}`);
    if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got '${method}'`);
    const modelDir = str(args, 'model') ?? defaultModelDir();
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json'])
      if (!fs.existsSync(path.join(modelDir, f))) throw new UsageError(`model folder ${modelDir} lacks ${f}`);
    const share = Number(str(args, 'heldout-share') ?? 0.2);
    if (!(share > 0 && share < 1)) throw new UsageError(`--heldout-share must be a fraction in (0, 1), got '${str(args, 'heldout-share')}'`);
    const vs = str(args, 'validation-share');
    const validationShare = vs === undefined ? undefined : Number(vs);
    if (validationShare !== undefined && !(validationShare >= 0 && validationShare < 1)) throw new UsageError(`--validation-share must be a fraction in [0, 1), got '${vs}'`);
    const positive = (name: string, fallback: number, min: number): number => {
      const n = int(args, name) ?? fallback;
      if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
      return n;
    };
    const folds = args.flags.has('folds') ? positive('folds', 2, 2) : undefined;
    if (folds !== undefined && (args.flags.has('heldout-share') || args.flags.has('max-methods')))
      throw new UsageError('--folds judges every focal method: it does not go with --heldout-share or --max-methods');
    const foldBy = str(args, 'fold-by');
    if (foldBy !== undefined && foldBy !== 'test-class' && foldBy !== 'focal-method') throw new UsageError(`--fold-by must be test-class or focal-method, got '${foldBy}'`);
    if (foldBy !== undefined && folds === undefined) throw new UsageError('--fold-by goes with --folds k');
    const classpath = (str(args, 'classpath') ?? '').split(path.delimiter).filter(Boolean);
    for (const j of classpath) if (!fs.existsSync(j)) throw new UsageError(`--classpath: no such file ${j}`);

    const ac = new AbortController();
    const onSig = () => {
      if (ac.signal.aborted) return;
      console.error('\ncancelling: no adapter will be written');
      ac.abort();
    };
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    try {
      const j = await finetune({
        repoDir: repo,
        modelDir,
        method: method as Method,
        outDir: out,
        heldOutShare: share,
        maxSteps: int(args, 'max-steps'),
        seed: int(args, 'seed'),
        folds,
        foldBy,
        recipe: recipeFlags(args, method as Method),
        withSources: bool(args, 'with-sources'),
        budget: bool(args, 'budget'),
        validationShare,
        candidates: positive('candidates', DEFAULT_SETTINGS.verifyCandidates, 1),
        rounds: positive('rounds', DEFAULT_SETTINGS.verifyRepairRounds, 0),
        maxMethods: args.flags.has('max-methods') ? positive('max-methods', 1, 1) : undefined,
        extraClasspath: classpath,
        threads: int(args, 'threads'),
        timeoutMs: DEFAULT_SETTINGS.verifyTimeLimitSeconds * 1000,
        signal: ac.signal,
        log: (m) => console.error(m),
        onTrainProgress: (e) => console.error(`train step ${e.step}/${e.totalSteps}  epoch ${e.epoch}  loss ${e.loss.toFixed(4)}  eta ${e.etaSec.toFixed(0)} s`),
      });
      if (bool(args, 'json')) {
        console.log(JSON.stringify(j));
      } else console.log(summary(j));
      return 0;
    } catch (e) {
      if (e instanceof FinetuneError || e instanceof TrainError) {
        console.error(`testtune finetune: ${e.message}`);
        return ac.signal.aborted ? 130 : 1;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    }
  },
};
