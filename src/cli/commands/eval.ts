// `testtune eval`: syntactic validity and CodeBLEU of predictions in a JSONL (or of predictions a
// local model generates first), optionally compiled, run and measured for coverage in a Java
// project; `--table` turns saved results into the study's Table IV and an SVG chart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, bool, int, parseArgs, str, type CliCommand, type ParsedArgs } from '../command';
import { javaParser } from '../../java/parser';
import { extractTestMethod } from '../../java/extract';
import { PROVIDER_VALUES, type ProviderPreference } from '../../model/engine-api';
import type { TokenizerName } from '../../eval/codebleu/ngrams';
import { readRows, type EvalRow } from '../../eval/dataset';
import { evaluateText, type TextScores } from '../../eval/evaluate';
import { evaluateExecution, type ExecSummary, type ExecTask } from '../../eval/execution/harness';
import { generatePredictions } from '../../eval/generate';
import { predictionForm } from '../../eval/syntax';
import { svgChart, tableIV, type MethodResult } from '../../eval/report';
import { decodingParams, parseDecodingMode, type DecodingParams } from '../../pipeline/decoding';
import { promptSignature } from '../../pipeline/prompt';
import { loopGuardArg, quantizeArg, syntaxGuardArg, repetitionPenaltyArg, resolveModelDir, shippedDefaultAdapter } from './generate';

const USAGE = `usage: testtune eval --data <file.jsonl> [options]
       testtune eval --table <result.json>... [--svg <chart.svg>]

Scores test predictions. Each JSONL line has source (or prompt), target (or reference) and
prediction (and/or the study's fixed_prediction); for execution also focal_file (path in the
project) and optionally test_method (a complete method).

  --data <file>          the predictions (or a benchmark JSONL with --model)
  --tokenizer <t>        chars (what the study's CodeBLEU used) | whitespace (default chars)
  --json                 print the result as JSON on stdout
  --save <file.json>     also write the JSON result to a file
  --method <label>       row label for reports: base, lora, ia3, prompt-tuning, full, …
  --project <dir>        compile and run each test alone through the verification harness (outside
                         <dir>, which is never written) and measure its focal class's coverage
  --timeout <s>          per-test run time limit (default 30)
  --run-build-tool       with --project: when the offline classpath leaves dependencies unresolved, run
                         mvn -o dependency:build-classpath or Gradle offline for it
  --model <dir>          generate the predictions first with this model (greedy); without
                         --model, rows that carry no prediction are generated with the
                         shipped model and its default adapter (adapters/default.json)
  --adapter <dir|none>   adapter for generation (default: none with --model, the shipped
                         default adapter without)
  --provider <p>         auto | cuda | webgpu | cpu (default auto: CUDA, else CPU; webgpu experimental)
  --quantize <q>         none | int8 | int4: weight precision for generation (default none = f32)
  --decoding <d>         study (default): the study's plain greedy decoding | product: the
                         extension's decoding (testtune.generation.loopGuard / .syntaxGuard defaults)
  --repetition-penalty <x>  overrides: > 1 penalises tokens already generated
  --loop-guard <n>       overrides the decoding's loop guard (0 = off)
  --syntax-guard on|off  overrides the decoding's syntax guard
  --max-new-tokens <n>   generation limit (default 256, as testtune.maxNewTokens)
  --limit <n>            only the first n rows
  --out <file.jsonl>     write the generated predictions
  --table                the positional arguments are saved results: print Table IV (Markdown)
  --svg <file>           with --table: also write an SVG bar chart`;

export interface EvalResult extends TextScores {
  method: string;
  data: string;
  trainable_params?: number;
  total_params?: number;
  execution?: Omit<ExecSummary, 'results'> & { results: ExecSummary['results'] };
  input_errors: string[];
  seconds: number;
}

async function testMethodOf(row: EvalRow): Promise<string | undefined> {
  if (row.testMethod) return row.testMethod;
  const pred = row.prediction ?? row.fixedPrediction;
  if (pred === undefined) return undefined;
  if (predictionForm(pred) === 'method') return (await extractTestMethod(pred)).method;
  const signature = row.source ? promptSignature(row.source) : undefined;
  if (!signature) return undefined;
  return (await extractTestMethod(pred, { signature })).method;
}

function toMethodResult(r: EvalResult): MethodResult {
  return {
    method: r.method,
    trainableParams: r.trainable_params,
    totalParams: r.total_params,
    syntax: r.syntax_lenient,
    codebleu: r.codebleu,
    compile: r.execution?.compile_rate,
    pass: r.execution?.pass_rate,
    instruction: r.execution?.instruction_coverage,
    branch: r.execution?.branch_coverage,
  };
}

function table(files: string[], svg: string | undefined): number {
  if (!files.length) throw new UsageError('--table needs saved result files (from --save)');
  const results = files.map((f) => {
    try {
      return toMethodResult(JSON.parse(fs.readFileSync(f, 'utf8')) as EvalResult);
    } catch (e) {
      throw new UsageError(`cannot read result ${f}: ${(e as Error).message}`);
    }
  });
  process.stdout.write(tableIV(results));
  if (svg) fs.writeFileSync(svg, svgChart(results));
  return 0;
}

/** --decoding (default study) with the fine overrides on top; every value validated before the model loads. */
function evalDecoding(args: ParsedArgs): DecodingParams {
  const mode = parseDecodingMode(str(args, 'decoding'), 'study');
  if (typeof mode !== 'string') throw new UsageError(mode.error);
  const base = decodingParams(mode);
  const maxNewTokens = int(args, 'max-new-tokens') ?? base.maxNewTokens;
  if (maxNewTokens < 1) throw new UsageError('--max-new-tokens must be at least 1');
  const repetitionPenalty = repetitionPenaltyArg(str(args, 'repetition-penalty'));
  return {
    maxNewTokens,
    loopGuard: loopGuardArg(str(args, 'loop-guard')) ?? base.loopGuard,
    syntaxGuard: syntaxGuardArg(str(args, 'syntax-guard')) ?? base.syntaxGuard,
    symbolConstraint: base.symbolConstraint, // evaluation prepares no symbol scope: no effect there
    ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}),
  };
}

export const command: CliCommand = {
  name: 'eval',
  summary: 'score predictions: syntax validity, CodeBLEU, compile/pass/coverage; Table IV',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['data', 'tokenizer', 'save', 'method', 'project', 'timeout', 'model', 'adapter', 'provider', 'quantize', 'decoding', 'repetition-penalty', 'loop-guard', 'syntax-guard', 'max-new-tokens', 'limit', 'out', 'svg'],
      booleans: ['json', 'table', 'run-build-tool'],
    });
    if (bool(args, 'table')) return table(args.positional, str(args, 'svg'));
    const data = str(args, 'data');
    if (!data) throw new UsageError('--data <file.jsonl> is required (see testtune eval --help)');
    const tokenizer = (str(args, 'tokenizer') ?? 'chars') as TokenizerName;
    if (tokenizer !== 'chars' && tokenizer !== 'whitespace') throw new UsageError(`--tokenizer must be chars or whitespace, got '${tokenizer}'`);
    const provider = (str(args, 'provider') ?? 'auto') as ProviderPreference;
    if (!PROVIDER_VALUES.includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDER_VALUES.join(', ')}`);
    const quantize = quantizeArg(str(args, 'quantize'));
    const timeout = int(args, 'timeout') ?? 30;
    const limit = int(args, 'limit');
    const project = str(args, 'project');
    if (project && !fs.existsSync(project)) throw new UsageError(`no project at ${path.resolve(project)}`);
    if (bool(args, 'run-build-tool') && !project) throw new UsageError('--run-build-tool needs --project');
    const t0 = Date.now();

    const read = readRows(data);
    if (!read.rows.length) throw new UsageError(read.errors[0] ?? `no rows in ${data}`);
    for (const e of read.errors) process.stderr.write(`warning: ${e}\n`);
    let rows = limit !== undefined ? read.rows.slice(0, limit) : read.rows;
    let method = str(args, 'method');
    let trainable: number | undefined;
    let total: number | undefined;

    const model = str(args, 'model');
    const needsGeneration = !model && rows.every((r) => r.prediction === undefined && r.fixedPrediction === undefined);
    if (model || needsGeneration) {
      const modelDir = resolveModelDir(model);
      const adapter = str(args, 'adapter') ?? (model ? 'none' : shippedDefaultAdapter(modelDir));
      if (adapter !== 'none' && !fs.existsSync(adapter)) throw new UsageError(`no adapter at ${path.resolve(adapter)}`);
      const decoding = evalDecoding(args);
      const { loadJavaEngine } = await import('../../generation/java-engine');
      const engine = await loadJavaEngine(modelDir, { provider, quantize, defer: true }); // only the graph variant the run uses is built, on first use
      let gen;
      try {
        gen = await generatePredictions(engine, rows, {
          adapter,
          decoding,
          onProgress: (d, n) => process.stderr.write(`\rgenerated ${d}/${n}`),
        });
      } finally {
        await engine.dispose();
      }
      process.stderr.write('\n');
      rows = gen.rows;
      trainable = gen.trainableParams;
      total = gen.totalParams;
      method ??= adapter === 'none' ? 'base' : path.basename(path.resolve(adapter));
      const out = str(args, 'out');
      if (out) fs.writeFileSync(out, rows.map((r) => JSON.stringify({ id: r.id, source: r.source, target: r.target, prediction: r.prediction, focal_file: r.focalFile })).join('\n') + '\n');
    }

    const { scores } = evaluateText(await javaParser(), rows, tokenizer);
    const result: EvalResult = { method: method ?? 'predictions', data: path.resolve(data), ...scores, input_errors: read.errors, seconds: 0 };
    if (trainable !== undefined) result.trainable_params = trainable;
    if (total !== undefined) result.total_params = total;

    if (project) {
      const tasks: ExecTask[] = [];
      for (const r of rows) {
        if (!r.focalFile) continue;
        const m = await testMethodOf(r);
        tasks.push({ id: r.id, focalFile: r.focalFile, testMethod: m ?? '' });
      }
      if (!tasks.length) process.stderr.write('warning: no row has focal_file: nothing to execute\n');
      else
        result.execution = await evaluateExecution(project, tasks, {
          timeoutMs: timeout * 1000,
          runBuildTool: bool(args, 'run-build-tool'),
          log: bool(args, 'json') ? undefined : (l) => process.stderr.write(`${l}\n`),
        });
    }
    result.seconds = (Date.now() - t0) / 1000;

    const save = str(args, 'save');
    if (save) fs.writeFileSync(save, JSON.stringify(result, null, 2) + '\n');
    if (bool(args, 'json')) {
      process.stdout.write(JSON.stringify(result) + '\n');
      return 0;
    }
    const p = (x: number) => `${(100 * x).toFixed(1)}%`;
    const lines = [
      `rows: ${result.n} (CodeBLEU over ${result.n_codebleu}, tokenizer ${tokenizer})`,
      `syntactic validity: strict ${p(result.syntax_strict)}, lenient ${p(result.syntax_lenient)}`,
      `CodeBLEU ${result.codebleu.toFixed(4)} (BLEU ${result.bleu.toFixed(4)}, weighted n-gram ${result.weighted_ngram.toFixed(4)}, syntax ${result.syntax_match.toFixed(4)}, dataflow ${result.dataflow_match.toFixed(4)})`,
    ];
    const ex = result.execution;
    if (ex) {
      lines.push(`execution: ${ex.n} tests, compile ${p(ex.compile_rate)}, pass ${p(ex.pass_rate)}, timeouts ${ex.timed_out}, instruction coverage ${p(ex.instruction_coverage)}, branch coverage ${p(ex.branch_coverage)} (mean per test)`);
      if (ex.combined_instruction_coverage !== undefined) lines.push(`  all tests together: instruction coverage ${p(ex.combined_instruction_coverage)}, branch coverage ${p(ex.combined_branch_coverage ?? 0)} over ${ex.by_class.length} focal class(es)`);
      for (const n of ex.notes) lines.push(`  note: ${n}`);
    }
    lines.push(`time: ${result.seconds.toFixed(1)} s`, '', tableIV([toMethodResult(result)]));
    process.stdout.write(lines.join('\n'));
    return 0;
  },
};
