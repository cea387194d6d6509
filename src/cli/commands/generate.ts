// `testtune generate`: the generation pipeline (src/pipeline/: prepare → candidates → choose → place,
// the same path as the editor's) with the model in this process, or in the sidecar with --sidecar; the
// chosen test method is printed on stdout, and with --write placed in the test file. Decoding defaults
// are the settings' (src/config/settings.ts). Progress and figures go to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, bool, int, parseArgs, str, type CliCommand, type ParsedArgs } from '../command';
import { DEFAULT_SETTINGS } from '../../config/settings';
import type { MethodSelector } from '../../java/context';
import { readSourceFile, writeEditedSource, type DecodedSource } from '../../java/encoding';
import { findProjectRoot } from '../../java/location';
import { defaultAdapterOf } from '../../model/adapters';
import { PROVIDER_VALUES, QUANTIZE_VALUES, type ProviderPreference, type Quantize } from '../../model/engine-api';
import { decodingParams, type DecodingParams } from '../../pipeline/decoding';
import { engineGenerator, type TestGenerator } from '../../pipeline/generator';
import { runPipeline, type PipelineResult, type VerifyRequest } from '../../pipeline/pipeline';
import { describeAttempt, prepareVerifier } from '../../pipeline/verify-stage';
import { prepareTest, type PreparedTest } from '../../pipeline/prepare';
import { indexProject } from '../../symbols/project-index';

const USAGE = `usage: testtune generate <File.java> (--method <name> | --line <n>) [options]

Writes a JUnit test for one method of <File.java> with the local model and prints it.

  --method <name>        the focal method by name (with --arity <n> when overloaded)
  --line <n>             the focal method containing line n (1-based)
  --model <dir>          model directory (default: models/default next to the package)
  --adapter <dir|none>   a fine-tuned adapter directory, or none for the base model
                         (default without --model: the shipped model's default adapter,
                         adapters/default.json; with --model: none)
  --max-new-tokens <n>   generation limit (default 256, as the extension's testtune.maxNewTokens)
  --provider <p>         auto | cuda | webgpu | cpu (default auto: CUDA when installed, else CPU;
                         webgpu is experimental; stderr says which)
  --quantize <q>         none | int8 | int4: weight precision (default none = f32)
  --repetition-penalty <x>  > 1 penalises tokens already generated (default 1 = plain greedy)
  --loop-guard <n>       never emit n back-to-back copies of one unit (default 3, as the extension's
                         testtune.generation.loopGuard; 0 = off, the study's plain greedy)
  --syntax-guard on|off  never emit a token that breaks the method's brackets, close it before the
                         limit (default on, as testtune.generation.syntaxGuard; off = plain greedy)
  --symbol-constraint on|off  write only names the project has (members of known types, arities,
                         constructible types, known bare names; default on, as
                         testtune.generation.symbolConstraint; off = the model's own names)
  --sidecar              run the model in the sidecar process instead of in this one
  --write                place the test in the test file (created when missing)
  --raw                  print the model's raw output instead of the extracted method
  --verify               compile and run each candidate alone (JaCoCo: focal-method coverage) in a
                         scratch copy, repair it, and choose the best; only a passing test is chosen
  --candidates <n>       with --verify: most candidates, greedy first (default 4, testtune.verify.candidates)
  --rounds <n>           with --verify: repair rounds per candidate (default 2; 0 = verify only)
  --time-limit <s>       with --verify: one test run's limit in seconds (default 20)
  --insert-failing       with --verify: choose the best test even when none passes (marked as failing)
  --run-build-tool       with --verify: when the offline classpath leaves dependencies unresolved, run
                         mvn -o dependency:build-classpath or Gradle offline for it (testtune.project.runBuildTool)
  --json                 print one JSON object: status (passes | fails | compiles | does-not-compile |
                         not-verified), callsFocal, focalLines {covered, total}, seconds, test, attempts`;

const PROVIDERS: readonly ProviderPreference[] = PROVIDER_VALUES;
/** The folder holding TestTune's package.json (dist/.. when bundled, the repo root under tsx). */
export function packageRoot(from: string = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    try {
      if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'testtune') return dir;
    } catch {
      // unreadable package.json: keep looking
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** --model, else models/default next to the package; a clear error when there is no model there. */
export function resolveModelDir(given: string | undefined): string {
  if (given !== undefined) {
    const dir = path.resolve(given);
    if (!fs.existsSync(path.join(dir, 'config.json'))) throw new UsageError(`no model at ${dir}: config.json is missing`);
    return dir;
  }
  const root = packageRoot();
  const dir = root ? path.join(root, 'models', 'default') : undefined;
  if (!dir || !fs.existsSync(path.join(dir, 'config.json'))) {
    throw new UsageError(
      `no default model${dir ? ` at ${dir}` : ''}: pass --model <dir>, or create one with ` +
        `'testtune model init --preset default --out ${dir ?? 'models/default'}'`,
    );
  }
  return dir;
}

/** The shipped model's default adapter directory (adapters/default.json), or 'none' with a warning on stderr. */
export function shippedDefaultAdapter(modelDir: string): string {
  const d = defaultAdapterOf(modelDir);
  if (d.warning) process.stderr.write(`warning: default adapter: ${d.warning}\n`);
  return d.dir ?? 'none';
}

/** --loop-guard: an integer in [0, 100] (0 or 1 = off); absent = undefined (the command's default). */
export function loopGuardArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new UsageError('--loop-guard must be an integer from 0 (off) to 100');
  return n;
}

/** --syntax-guard: on or off; absent = undefined (the command's default). */
export function syntaxGuardArg(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v !== 'on' && v !== 'off') throw new UsageError(`--syntax-guard must be on or off, got '${v}'`);
  return v === 'on';
}

/** --symbol-constraint: on or off; absent = undefined (the command's default). */
export function symbolConstraintArg(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v !== 'on' && v !== 'off') throw new UsageError(`--symbol-constraint must be on or off, got '${v}'`);
  return v === 'on';
}

/** --repetition-penalty: a number in [1, 10]; absent = the plain greedy decoding of the study. */
export function repetitionPenaltyArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 10) throw new UsageError('--repetition-penalty must be a number from 1 (off) to 10');
  return n;
}

/** --quantize (default none), or a usage error. */
export function quantizeArg(v: string | undefined): Quantize {
  const q = (v ?? 'none') as Quantize;
  if (!QUANTIZE_VALUES.includes(q)) throw new UsageError(`--quantize must be one of ${QUANTIZE_VALUES.join(', ')}`);
  return q;
}

interface Where {
  modelDir: string;
  provider: ProviderPreference;
  quantize: Quantize;
}

/** Runs the pipeline with a generator in this process or in the sidecar, released afterwards; `adapter`: a directory, 'none' or undefined (the host's default). */
type Host = (where: Where, adapter: string | undefined, run: (generator: TestGenerator, adapterName: string | null | undefined) => Promise<PipelineResult>) => Promise<{ result: PipelineResult; provider: string; note?: string }>;

const inProcess: Host = async ({ modelDir, provider, quantize }, adapter, run) => {
  const { loadJavaEngine } = await import('../../generation/java-engine');
  const engine = await loadJavaEngine(modelDir, { provider, quantize, defer: true }); // builds only the graph variant generate uses
  try {
    let name: string | null | undefined;
    if (adapter === 'none') name = null;
    else if (adapter !== undefined) name = (await engine.loadAdapter(path.resolve(adapter))).name;
    const result = await run(engineGenerator(engine), name);
    const s = engine.status();
    return { result, provider: s.provider, note: s.providerNote };
  } finally {
    await engine.dispose();
  }
};

const inSidecar: Host = async ({ modelDir, provider, quantize }, adapter, run) => {
  const { SidecarClient, localSidecarLaunch } = await import('../../sidecar/client');
  const { sidecarGenerator } = await import('../../pipeline/sidecar-generator');
  const client = new SidecarClient({ launch: localSidecarLaunch(), initialize: { modelDir, provider, quantize }, backoff: { maxRestarts: 0 } });
  client.onLog((line) => process.env.TESTTUNE_DEBUG && process.stderr.write(`${line}\n`));
  try {
    await client.start();
    if (client.state === 'error') throw new Error(client.lastError);
    let name: string | null | undefined;
    if (adapter === 'none') name = null;
    else if (adapter !== undefined) name = (await client.request('adapters/load', { dir: path.resolve(adapter) })).name;
    const result = await run(sidecarGenerator(client), name);
    return { result, provider: client.status?.provider ?? '?', note: client.status?.providerNote };
  } finally {
    await client.dispose();
  }
};

export const command: CliCommand = {
  name: 'generate',
  summary: 'write a JUnit test for one method with the local model',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['method', 'arity', 'line', 'model', 'adapter', 'max-new-tokens', 'provider', 'quantize', 'repetition-penalty', 'loop-guard', 'syntax-guard', 'symbol-constraint', 'candidates', 'rounds', 'time-limit'],
      booleans: ['write', 'sidecar', 'raw', 'verify', 'insert-failing', 'run-build-tool', 'json'],
    });
    if (args.positional.length !== 1) throw new UsageError(`give exactly one Java file\n\n${USAGE}`);
    const file = path.resolve(args.positional[0]);
    const methodName = str(args, 'method');
    const line = int(args, 'line');
    if ((methodName === undefined) === (line === undefined)) throw new UsageError('give either --method <name> or --line <n>');
    if (line !== undefined && line < 1) throw new UsageError('--line is 1-based');
    const arity = int(args, 'arity');
    const maxNewTokens = int(args, 'max-new-tokens') ?? DEFAULT_SETTINGS.maxNewTokens;
    if (maxNewTokens < 1) throw new UsageError('--max-new-tokens must be at least 1');
    const provider = (str(args, 'provider') ?? 'auto') as ProviderPreference;
    if (!PROVIDERS.includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
    const quantize = quantizeArg(str(args, 'quantize'));
    const repetitionPenalty = repetitionPenaltyArg(str(args, 'repetition-penalty'));
    const loopGuard = loopGuardArg(str(args, 'loop-guard')) ?? DEFAULT_SETTINGS.loopGuard; // the product's default (eval's is 0)
    const syntaxGuard = syntaxGuardArg(str(args, 'syntax-guard')) ?? DEFAULT_SETTINGS.syntaxGuard; // the product's default (eval's is off)
    const symbolConstraint = symbolConstraintArg(str(args, 'symbol-constraint')) ?? DEFAULT_SETTINGS.symbolConstraint;
    let adapter = str(args, 'adapter');
    if (adapter !== undefined && adapter !== 'none' && !fs.existsSync(adapter)) throw new UsageError(`no adapter at ${path.resolve(adapter)}`);

    let source: string;
    try {
      source = readSourceFile(file).text; // BOM, UTF-8 or Latin-1 byte for byte (java/encoding.ts)
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const modelDir = resolveModelDir(str(args, 'model'));
    if (adapter === undefined && str(args, 'model') === undefined) adapter = shippedDefaultAdapter(modelDir);

    const root = findProjectRoot(file);
    const selector: MethodSelector = methodName !== undefined ? { name: methodName, ...(arity !== undefined ? { arity } : {}) } : { line: line! - 1 };
    // The symbol index of the project (cached on disk: a warm start reads it back): prepared.symbols is computed from it.
    const { index: symbolIndex, summary: indexed } = await indexProject(root);
    process.stderr.write(`symbol index: ${symbolIndex.stats().types} types (${indexed.parsed} sources parsed, ${indexed.jarsRead} jars read) in ${(indexed.ms / 1000).toFixed(1)} s\n`);
    const prep = await prepareTest({ focalPath: file, focalText: source, selector, projectRoot: root, readFile: readIfExists, symbolIndex });
    for (const w of prep.warnings) process.stderr.write(`warning: ${w}\n`);
    if (!prep.value) throw new Error(prep.errors.join('; ') || 'no focal context');
    const prepared = prep.value;
    const decoding: DecodingParams = { ...decodingParams('product'), maxNewTokens, loopGuard, syntaxGuard, symbolConstraint, ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}) };

    const search = searchArgs(args);
    const t0 = Date.now();
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    process.stderr.write(`generating a test for ${prepared.method.name} with ${modelDir}${adapter ? ` (adapter ${adapter})` : ''}…\n`);
    let gen: Awaited<ReturnType<Host>>;
    try {
      const host = bool(args, 'sidecar') ? inSidecar : inProcess;
      const verify = search.verify ? await setUpVerification(prepared, search, controller.signal) : undefined;
      gen = await host({ modelDir, provider, quantize }, adapter, (generator, adapterName) =>
        runPipeline({
          prepared,
          generator,
          decoding,
          adapter: adapterName,
          candidates: search.verify ? search.candidates : 1,
          verify,
          place: bool(args, 'write'),
          readTestFile: readIfExists,
          signal: controller.signal,
          onStage: (st) => st.stage === 'verifying' && process.stderr.write(`candidate ${st.candidate} of ${st.of}: ${st.round ? `repair ${st.round}, ` : ''}running\n`),
        }),
      );
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    const run = gen.result;
    const seconds = (Date.now() - t0) / 1000;
    for (const c of run.candidates) {
      const r = c.result;
      const tps = r.newTokens > 0 && r.ms > 0 ? ` (${((r.newTokens * 1000) / r.ms).toFixed(1)} tok/s)` : '';
      process.stderr.write(`${r.promptTokens} prompt tokens, ${r.newTokens} new in ${Math.round(r.ms)} ms${tps} on ${gen.provider}${quantize !== 'none' ? ` (${quantize})` : ''}, stop: ${r.stopReason}\n`);
    }
    if (gen.note) process.stderr.write(`note: ${gen.note}\n`);
    if (run.cancelled) {
      process.stderr.write('cancelled\n');
      return 130;
    }
    const raw = (run.chosen ?? run.candidates[0])?.result.text ?? '';
    if (bool(args, 'json')) {
      process.stdout.write(`${JSON.stringify(generateReport(run, search.verify, seconds))}\n`);
      if (bool(args, 'write') && run.placed) return writePlaced(prepared, run);
      return run.test ? 0 : 1;
    }
    if (bool(args, 'raw')) {
      process.stdout.write(raw.endsWith('\n') ? raw : `${raw}\n`);
      return 0;
    }
    if (!run.chosen?.method) {
      process.stderr.write(`${run.errors.join('; ')}\n--- raw output ---\n${raw}\n`);
      return 1;
    }
    for (const w of run.warnings) process.stderr.write(`warning: ${w}\n`);
    if (run.best) process.stderr.write(`${describeAttempt(run.best, prepared.method.name)}\n`);
    if (!run.test) {
      process.stderr.write(`${run.errors.join('; ')}\n`);
      return 1;
    }
    const method = run.test;
    process.stdout.write(method.endsWith('\n') ? method : `${method}\n`);
    if (bool(args, 'write')) return writePlaced(prepared, run);
    return 0;
  },
};

interface Search {
  verify: boolean;
  candidates: number;
  rounds: number;
  timeLimitSeconds: number;
  insertFailing: boolean;
  runBuildTool: boolean;
}

/** --verify and its options (defaults from the settings); each checked before the model loads. */
function searchArgs(args: ParsedArgs): Search {
  const verify = bool(args, 'verify');
  const candidates = int(args, 'candidates') ?? DEFAULT_SETTINGS.verifyCandidates;
  const rounds = int(args, 'rounds') ?? DEFAULT_SETTINGS.verifyRepairRounds;
  const timeLimitSeconds = int(args, 'time-limit') ?? DEFAULT_SETTINGS.verifyTimeLimitSeconds;
  if (candidates < 1 || candidates > 64) throw new UsageError('--candidates must be from 1 to 64');
  if (rounds < 0 || rounds > 16) throw new UsageError('--rounds must be from 0 to 16');
  if (timeLimitSeconds < 1 || timeLimitSeconds > 3600) throw new UsageError('--time-limit must be from 1 to 3600 seconds');
  const needsVerify = ['candidates', 'rounds', 'time-limit'].filter((f) => str(args, f) !== undefined).concat(['insert-failing', 'run-build-tool'].filter((f) => bool(args, f)));
  if (!verify && needsVerify.length) throw new UsageError(`--${needsVerify[0]} needs --verify`);
  return { verify, candidates, rounds, timeLimitSeconds, insertFailing: bool(args, 'insert-failing'), runBuildTool: bool(args, 'run-build-tool') };
}

/** The project model and its compiled main classes; a project that cannot be verified is an error that names why. */
async function setUpVerification(prepared: PreparedTest, search: Search, signal: AbortSignal): Promise<VerifyRequest> {
  process.stderr.write(`verifying in ${prepared.projectRoot}: resolving the test classpath and compiling the main classes…\n`);
  const v = await prepareVerifier(prepared.projectRoot, { timeoutMs: search.timeLimitSeconds * 1000, signal, runBuildTool: search.runBuildTool ? 'maven-gradle' : 'never' });
  for (const w of v.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!v.verifier) throw new Error(v.errors.join('; '));
  return { verifier: v.verifier, rounds: search.rounds, insertFailing: search.insertFailing };
}

/** `--json`: the report of one generation (the verification issue's contract). */
export function generateReport(run: PipelineResult, verified: boolean, seconds: number) {
  const best = run.best;
  const status = !verified || !best ? 'not-verified' : best.status === 'timeout' || best.status === 'error' ? (best.log ? 'fails' : 'not-verified') : best.status === 'rejected' ? 'not-verified' : best.status;
  return {
    status,
    callsFocal: best?.callsFocal ?? false,
    focalLines: best?.focalLines ?? { covered: 0, total: 0 },
    seconds,
    test: run.test ?? null,
    ...(best?.message ? { message: best.message } : {}),
    errors: run.errors,
    placed: run.placed ? { path: run.placed.path, created: run.placed.created, method: run.placed.testMethodName } : null,
    attempts: run.attempts.map((a) => ({
      candidate: a.candidate,
      round: a.round,
      status: a.status,
      callsFocal: a.callsFocal,
      focalLines: a.focalLines,
      focalBranches: a.focalBranches,
      message: a.message ?? null,
      repairs: a.repairs,
      seconds: a.seconds,
      test: a.test,
      output: a.log,
      ...(a.junit ? { junit: a.junit } : {}),
      ...(a.junitNote ? { junitNote: a.junitNote } : {}),
    })),
    candidates: run.candidates.map((c) => ({ index: c.index, stopReason: c.result.stopReason, newTokens: c.result.newTokens, ms: Math.round(c.result.ms), complete: c.method !== undefined, errors: c.errors })),
  };
}

/** A Java file decoded in its own encoding (java/encoding.ts), as writePlaced will write it back. */
function readIfExists(file: string): string | undefined {
  try {
    return readSourceFile(file).text;
  } catch {
    return undefined;
  }
}

/** Writes the pipeline's placement (the test file created when missing); the file is left as it was on any error. */
function writePlaced(prepared: PreparedTest, run: PipelineResult): number {
  if (!run.placed) {
    process.stderr.write(`not written to ${prepared.location.testFile}: ${run.errors.join('; ') || 'nothing to place'}\n`);
    return 1;
  }
  // In the file's own encoding and line ending, inserting only: refused (nothing written) when any
  // existing byte would change or the file changed since it was read (java/encoding.ts).
  const p = run.placed;
  let decoded: DecodedSource | undefined;
  try {
    decoded = p.created ? undefined : readSourceFile(p.path);
  } catch (e) {
    process.stderr.write(`not written: ${(e as Error).message}\n`);
    return 1;
  }
  const w = writeEditedSource(p.path, decoded, { offset: p.start, deleteLength: p.end - p.start, insertText: p.newText });
  if (w.error) {
    process.stderr.write(`not written: ${w.error}\n`);
    return 1;
  }
  process.stderr.write(`${run.placed.created ? 'created' : 'updated'} ${run.placed.path} (method ${run.placed.testMethodName})\n`);
  return 0;
}
