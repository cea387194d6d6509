// `testtune generate`: focal context (src/java/context.ts) → the model (in this process, or through the
// sidecar with --sidecar) → one test method (src/java/extract.ts), printed on stdout; with --write it
// is placed in the test file (src/java/placement.ts). Progress and figures go to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, bool, int, parseArgs, str, type CliCommand } from '../command';
import { DEFAULT_SETTINGS } from '../../config/settings';
import { buildContext, type MethodSelector } from '../../java/context';
import { extractTestMethod } from '../../java/extract';
import { findTestLocation } from '../../java/location';
import { detectFramework, type Framework } from '../../java/framework';
import { placeTest } from '../../java/placement';
import { defaultAdapterOf } from '../../model/adapters';
import { QUANTIZE_VALUES, type GenerateResult, type ProviderPreference, type Quantize } from '../../model/engine-api';

const USAGE = `usage: testtune generate <File.java> (--method <name> | --line <n>) [options]

Writes a JUnit test for one method of <File.java> with the local model and prints it.

  --method <name>        the focal method by name (with --arity <n> when overloaded)
  --line <n>             the focal method containing line n (1-based)
  --model <dir>          model directory (default: models/default next to the package)
  --adapter <dir|none>   a fine-tuned adapter directory, or none for the base model
                         (default without --model: the shipped model's default adapter,
                         adapters/default.json; with --model: none)
  --max-new-tokens <n>   generation limit (default 512)
  --provider <p>         auto | cuda | cpu (default auto: CUDA when present, else CPU)
  --quantize <q>         none | int8: weight precision (default none = f32)
  --repetition-penalty <x>  > 1 penalises tokens already generated (default 1 = plain greedy)
  --loop-guard <n>       never emit n back-to-back copies of one unit (default 3, as the extension's
                         testtune.generation.loopGuard; 0 = off, the study's plain greedy)
  --syntax-guard on|off  never emit a token that breaks the method's brackets, close it before the
                         limit (default on, as testtune.generation.syntaxGuard; off = plain greedy)
  --sidecar              run the model in the sidecar process instead of in this one
  --write                place the test in the test file (created when missing)
  --raw                  print the model's raw output instead of the extracted method`;

const PROVIDERS: ProviderPreference[] = ['auto', 'cuda', 'cpu'];
const PROJECT_MARKERS = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', '.git'];

/** The nearest folder above `file` that looks like a project root, else the file's folder. */
export function projectRootOf(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (PROJECT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(path.resolve(file));
    dir = up;
  }
}

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

/** The annotation + signature lines the prompt ends with (the model continues with the body), if any. */
export function promptSignature(context: string): string | undefined {
  if (!/\{\n?$/.test(context)) return undefined;
  const at = context.lastIndexOf('@Test');
  if (at < 0) return undefined;
  const lineStart = context.lastIndexOf('\n', at) + 1;
  return context.slice(lineStart);
}

interface Generation {
  result: GenerateResult;
  provider: string;
  note?: string;
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
  repetitionPenalty?: number;
  loopGuard?: number;
  syntaxGuard?: boolean;
}

async function generateInProcess({ modelDir, provider, quantize, repetitionPenalty, loopGuard, syntaxGuard }: Where, adapter: string | undefined, prompt: string, maxNewTokens: number, signal: AbortSignal): Promise<Generation> {
  const { loadEngine } = await import('../../model/engine');
  const engine = await loadEngine(modelDir, { provider, quantize, defer: true }); // builds only the graph variant generate uses
  try {
    let name: string | null | undefined;
    if (adapter === 'none') name = null;
    else if (adapter !== undefined) name = (await engine.loadAdapter(path.resolve(adapter))).name;
    const result = await engine.generate(prompt, { maxNewTokens, adapter: name, signal, repetitionPenalty, loopGuard, syntaxGuard });
    const s = engine.status();
    return { result, provider: s.provider, note: s.providerNote };
  } finally {
    await engine.dispose();
  }
}

async function generateInSidecar({ modelDir, provider, quantize, repetitionPenalty, loopGuard, syntaxGuard }: Where, adapter: string | undefined, prompt: string, maxNewTokens: number, signal: AbortSignal): Promise<Generation> {
  const { SidecarClient, localSidecarLaunch } = await import('../../sidecar/client');
  const { CancellationTokenSource } = await import('../../sidecar/cancellation');
  const { ErrorCodes, RpcError } = await import('../../sidecar/protocol');
  const client = new SidecarClient({ launch: localSidecarLaunch(), initialize: { modelDir, provider, quantize }, backoff: { maxRestarts: 0 } });
  client.onLog((line) => process.env.TESTTUNE_DEBUG && process.stderr.write(`${line}\n`));
  const source = new CancellationTokenSource();
  signal.addEventListener('abort', () => source.cancel());
  try {
    await client.start();
    if (client.state === 'error') throw new Error(client.lastError);
    let name: string | null | undefined;
    if (adapter === 'none') name = null;
    else if (adapter !== undefined) name = (await client.request('adapters/load', { dir: path.resolve(adapter) })).name;
    try {
      const result = await client.generate({ context: prompt, maxNewTokens, adapter: name, ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}), ...(loopGuard !== undefined ? { loopGuard } : {}), ...(syntaxGuard !== undefined ? { syntaxGuard } : {}) }, { token: source.token });
      return { result, provider: client.status?.provider ?? '?', note: client.status?.providerNote };
    } catch (e) {
      if (e instanceof RpcError && e.code === ErrorCodes.RequestCancelled) return { result: e.data as GenerateResult, provider: client.status?.provider ?? '?' };
      throw e;
    }
  } finally {
    await client.dispose();
  }
}

export const command: CliCommand = {
  name: 'generate',
  summary: 'write a JUnit test for one method with the local model',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['method', 'arity', 'line', 'model', 'adapter', 'max-new-tokens', 'provider', 'quantize', 'repetition-penalty', 'loop-guard', 'syntax-guard'],
      booleans: ['write', 'sidecar', 'raw'],
    });
    if (args.positional.length !== 1) throw new UsageError(`give exactly one Java file\n\n${USAGE}`);
    const file = path.resolve(args.positional[0]);
    const methodName = str(args, 'method');
    const line = int(args, 'line');
    if ((methodName === undefined) === (line === undefined)) throw new UsageError('give either --method <name> or --line <n>');
    if (line !== undefined && line < 1) throw new UsageError('--line is 1-based');
    const arity = int(args, 'arity');
    const maxNewTokens = int(args, 'max-new-tokens') ?? 512;
    if (maxNewTokens < 1) throw new UsageError('--max-new-tokens must be at least 1');
    const provider = (str(args, 'provider') ?? 'auto') as ProviderPreference;
    if (!PROVIDERS.includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
    const quantize = quantizeArg(str(args, 'quantize'));
    const repetitionPenalty = repetitionPenaltyArg(str(args, 'repetition-penalty'));
    const loopGuard = loopGuardArg(str(args, 'loop-guard')) ?? DEFAULT_SETTINGS.loopGuard; // the product's default (eval's is 0)
    const syntaxGuard = syntaxGuardArg(str(args, 'syntax-guard')) ?? DEFAULT_SETTINGS.syntaxGuard; // the product's default (eval's is off)
    let adapter = str(args, 'adapter');
    if (adapter !== undefined && adapter !== 'none' && !fs.existsSync(adapter)) throw new UsageError(`no adapter at ${path.resolve(adapter)}`);

    let source: string;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const modelDir = resolveModelDir(str(args, 'model'));
    if (adapter === undefined && str(args, 'model') === undefined) adapter = shippedDefaultAdapter(modelDir);

    const root = projectRootOf(file);
    const loc = findTestLocation(root, file);
    const testSource = loc.exists ? fs.readFileSync(loc.testFile, 'utf8') : undefined;
    const fw = detectFramework(root, testSource);
    const selector: MethodSelector = methodName !== undefined ? { name: methodName, ...(arity !== undefined ? { arity } : {}) } : { line: line! - 1 };
    const ctx = await buildContext(source, selector, { testSource, testClassName: loc.testClassName, framework: fw.framework });
    for (const e of ctx.errors) process.stderr.write(`warning: ${e}\n`);
    if (!ctx.context || !ctx.method) throw new Error(ctx.errors.join('; ') || 'no focal context');

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    process.stderr.write(`generating a test for ${ctx.method.name} with ${modelDir}${adapter ? ` (adapter ${adapter})` : ''}…\n`);
    let gen: Generation;
    try {
      const run = bool(args, 'sidecar') ? generateInSidecar : generateInProcess;
      gen = await run({ modelDir, provider, quantize, repetitionPenalty, loopGuard, syntaxGuard }, adapter, ctx.context, maxNewTokens, controller.signal);
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    const r = gen.result;
    const tps = r.newTokens > 0 && r.ms > 0 ? ` (${((r.newTokens * 1000) / r.ms).toFixed(1)} tok/s)` : '';
    process.stderr.write(
      `${r.promptTokens} prompt tokens, ${r.newTokens} new in ${Math.round(r.ms)} ms${tps} on ${gen.provider}${quantize === 'int8' ? ' (int8)' : ''}, stop: ${r.stopReason}\n` +
        (gen.note ? `note: ${gen.note}\n` : ''),
    );
    if (r.stopReason === 'cancelled') {
      process.stderr.write('cancelled\n');
      return 130;
    }
    if (bool(args, 'raw')) {
      process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
      return 0;
    }
    const signature = promptSignature(ctx.context);
    const ex = await extractTestMethod(r.text, signature ? { signature } : {});
    if (!ex.method || !ex.complete) {
      process.stderr.write(`the model's output is not a complete test method: ${ex.errors.join('; ')}\n--- raw output ---\n${r.text}\n`);
      return 1;
    }
    for (const e of ex.errors) process.stderr.write(`warning: ${e}\n`);
    process.stdout.write(ex.method.endsWith('\n') ? ex.method : `${ex.method}\n`);
    if (bool(args, 'write')) return writeTest(root, file, source, ex.method, fw.framework);
    return 0;
  },
};

/** Places the method in the test file (created when missing) and writes it; the file is left as it was on any error. */
async function writeTest(root: string, focalFile: string, focalSource: string, method: string, framework: Framework): Promise<number> {
  const p = await placeTest({ projectRoot: root, focalFile, focalSource, testMethod: method, framework });
  if (p.edit.insertText === '' || p.errors.some((e) => /would not parse|not exactly one|no test class/.test(e))) {
    process.stderr.write(`not written: ${p.errors.join('; ') || 'nothing to place'}\n`);
    return 1;
  }
  for (const e of p.errors) process.stderr.write(`warning: ${e}\n`);
  fs.mkdirSync(path.dirname(p.path), { recursive: true });
  fs.writeFileSync(p.path, p.text);
  process.stderr.write(`${p.created ? 'created' : 'updated'} ${p.path} (method ${p.methodName})\n`);
  return 0;
}
