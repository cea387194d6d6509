// `testtune train`: fine-tune a model on (source, target) pairs with LoRA, (IA)³, prompt tuning or full
// fine-tuning, using the study's recipe (src/train/recipe.ts) unless overridden. Progress on stderr;
// Ctrl-C (or, with --stdin-cancel, a `cancel` line or the end of stdin) cancels after the current
// example and saves a checkpoint of the finished steps (`--resume` continues from it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, str, int, bool, UsageError, type CliCommand } from '../command';
import { METHODS, RECIPE_DEFAULTS, type Method, type RecipeOverrides } from '../../train/recipe';
import { train, TrainError, type ProgressEvent } from '../../train/loop';
import { RECIPE_FLAGS, RECIPE_FLAGS_USAGE, recipeFlags } from '../recipe-flags';

const D = RECIPE_DEFAULTS;
const USAGE = `usage: testtune train --data <pairs.jsonl> --method lora|ia3|prompt|full --model <dir> --out <dir>
                     [--epochs n] [--max-steps n] [--resume] [--lr x] [--seed n] [--accum n]
                     [--max-tokens n] [--save-every n] [--pack | --no-pack] [--threads n] [--json]
                     [--stdin-cancel] [--sources <docs.jsonl>] [--validation <pairs.jsonl>]
                     [--patience n] [--eval-every n] [--lora-r n] [--lora-targets m,m…]

Fine-tunes the model in <dir> (config.json, model.safetensors, tokenizer.json) on JSONL pairs with
"source" (prompt) and "target" (test body); the loss covers target tokens only. Writes a PEFT adapter
(adapter_config.json + adapter_model.safetensors) or, for --method full, a model directory into --out,
plus training_report.json and a resumable checkpoint/ (written every --save-every steps, each epoch and
on cancel: Ctrl-C stops after the current example and keeps every finished step for --resume).
Defaults (the study's): AdamW ${D.beta1}/${D.beta2}/${D.eps}, weight decay ${D.weightDecay}, linear schedule with warmup ${D.warmupRatio},
batch ${D.batchSize} × ${D.gradAccumSteps} accumulation, ${D.epochs} epochs, lr ${D.lr.full} full / ${D.lr.lora} LoRA and (IA)³ / ${D.lr.prompt} prompt,
LoRA r=${D.loraR} alpha=${D.loraAlpha} dropout ${D.loraDropout}, ${D.numVirtualTokens} virtual tokens, max grad norm ${D.maxGradNorm}, seed ${D.seed},
sequences up to ${D.maxTokens} tokens (longer pairs lose class members from the context; the focal
method and the target are never cut; pairs that still do not fit are dropped and counted).
--pack / --no-pack   pack the examples of each optimizer step padding-free into sequences of up to
         --max-tokens (attention and positions stay per example; same optimizer steps, same result up to
         float rounding); default ${D.pack ? '--pack' : '--no-pack'}
--sources <docs.jsonl>   plain language-model data beside the pairs (lines {"text": …, "path": …}, e.g. the
         repository's main sources): cut into --max-tokens chunks, loss on every token, at most
         ${D.sourcesShare} × the pairs' tokens (a seeded sample when there are more)
--validation <pairs.jsonl>   held-out pairs (other test classes than --data): their loss is evaluated every
         --eval-every steps (default twice per epoch); the best evaluation's adapter is written and
         training stops after --patience evaluations without improvement (default ${D.patience})
${RECIPE_FLAGS_USAGE}
--json   print the final training report as JSON on stdout (progress stays on stderr)
--stdin-cancel   also cancel (and save the checkpoint) on a line "cancel" on stdin or when stdin
         closes: how a parent process (the editor) cancels portably, and a run whose parent died stops
         cleanly`;

const fmtTime = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

export const command: CliCommand = {
  name: 'train',
  summary: 'fine-tune a model (LoRA, (IA)³, prompt tuning, full) on source/target pairs',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, {
      values: ['data', 'method', 'model', 'out', 'max-steps', 'seed', 'accum', 'max-tokens', 'save-every', 'threads', 'sources', 'validation', 'patience', 'eval-every', ...RECIPE_FLAGS],
      booleans: ['resume', 'json', 'pack', 'no-pack', 'stdin-cancel'],
    });
    if (args.positional.length) throw new UsageError(`unexpected argument '${args.positional[0]}'\n\n${USAGE}`);
    const data = str(args, 'data');
    const method = str(args, 'method');
    const modelDir = str(args, 'model');
    const outDir = str(args, 'out');
    if (!data || !method || !modelDir || !outDir) throw new UsageError(`--data, --method, --model and --out are required\n\n${USAGE}`);
    if (!(METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got '${method}'`);
    if (!fs.existsSync(data)) throw new UsageError(`no such data file: ${data}`);
    const sources = str(args, 'sources');
    const validation = str(args, 'validation');
    if (sources && !fs.existsSync(sources)) throw new UsageError(`--sources: no such file: ${sources}`);
    if (validation && !fs.existsSync(validation)) throw new UsageError(`--validation: no such file: ${validation}`);
    for (const f of ['config.json', 'tokenizer.json'])
      if (!fs.existsSync(path.join(modelDir, f))) throw new UsageError(`model folder ${modelDir} lacks ${f}`);
    if (!['model.safetensors', 'model.safetensors.index.json'].some((f) => fs.existsSync(path.join(modelDir, f))))
      throw new UsageError(`model folder ${modelDir} lacks model.safetensors (or model.safetensors.index.json)`);
    const recipe: RecipeOverrides = {
      method: method as Method,
      ...recipeFlags(args, method as Method),
      maxSteps: int(args, 'max-steps'),
      seed: int(args, 'seed'),
      gradAccumSteps: int(args, 'accum'),
      maxTokens: int(args, 'max-tokens'),
      saveEverySteps: int(args, 'save-every'),
      patience: int(args, 'patience'),
      evalEverySteps: int(args, 'eval-every'),
    };
    if (bool(args, 'pack') && bool(args, 'no-pack')) throw new UsageError('--pack and --no-pack exclude each other');
    if (bool(args, 'pack')) recipe.pack = true;
    if (bool(args, 'no-pack')) recipe.pack = false;
    for (const k of Object.keys(recipe) as (keyof RecipeOverrides)[]) if (recipe[k] === undefined) delete recipe[k];

    const ac = new AbortController();
    const onSig = () => {
      if (ac.signal.aborted) return;
      console.error('\ncancelling after the current example; a checkpoint of the finished steps is saved (resume with --resume)');
      ac.abort();
    };
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    const stopStdin = bool(args, 'stdin-cancel') ? cancelOnStdin(onSig) : () => {};
    const progress = (e: ProgressEvent) =>
      console.error(
        `step ${e.step}/${e.totalSteps}  epoch ${e.epoch}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toExponential(2)}  ` +
          `|g| ${e.gradNorm.toFixed(3)}  ${e.tokensPerSec.toFixed(0)} tok/s  eta ${fmtTime(e.etaSec)}`,
      );
    try {
      const res = await train({
        modelDir, outDir, data, recipe, resume: bool(args, 'resume'),
        ...(sources ? { documents: sources } : {}), ...(validation ? { validation } : {}), signal: ac.signal, onProgress: progress,
        log: (m) => console.error(m), threads: int(args, 'threads'),
      });
      const r = res.report;
      if (bool(args, 'json')) console.log(JSON.stringify(r, null, 2));
      else
        console.log(
          `${res.status}: ${r.steps}/${r.totalSteps} steps, ${r.method}, ${r.trainableParams} trainable parameters (${r.trainablePercent.toFixed(4)}%), ` +
            `final loss ${r.lossCurve.at(-1)?.loss.toFixed(4) ?? 'n/a'}, ${r.throughput.tokensPerSec.toFixed(0)} tok/s\n` +
            (res.files.length ? `wrote ${res.files.join(', ')} and training_report.json to ${outDir}` : `checkpoint kept in ${path.join(outDir, 'checkpoint')}`),
        );
      return res.status === 'completed' ? 0 : 130;
    } catch (e) {
      if (e instanceof TrainError) {
        console.error(`testtune train: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      stopStdin();
    }
  },
};

/** Calls `cancel` on a line "cancel" on stdin or at its end; returns the function that stops listening. */
function cancelOnStdin(cancel: () => void): () => void {
  let buffered = '';
  const onData = (chunk: Buffer | string): void => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    if (lines.some((l) => l.trim() === 'cancel')) cancel();
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', cancel);
  process.stdin.resume();
  return () => {
    process.stdin.off('data', onData);
    process.stdin.off('end', cancel);
    process.stdin.pause(); // lets the process exit
  };
}
