// Evaluation speed: text-level `testtune eval` work (strict + lenient syntactic validity and
// CodeBLEU in chars mode) on 1,000 predictions of the study (paper-predictions: every row of the
// LoRA StarCoder2-3B file, then rows of the full fine-tuning file up to 1,000). Wall time and
// process CPU time (the machine may be shared). No anchor: the pip `codebleu` is not installable here.
//   node --import tsx scripts/bench/eval.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser } from '../../src/java/parser';
import { parseRows } from '../../src/eval/dataset';
import { evaluateText } from '../../src/eval/evaluate';
import { codeBleu } from '../../src/eval/codebleu/codebleu';

const DIR = path.resolve(__dirname, '../../../shared/benchmarks/paper-predictions');
const FILES = ['lora_bigcode_starcoder2-3b.jsonl', 'full_fine-tuning_bigcode_starcoder2-3b.jsonl'];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const rows = FILES.flatMap((f) => parseRows(fs.readFileSync(path.join(DIR, f), 'utf8'), f).rows).slice(0, 1000);
  if (rows.length !== 1000) throw new Error(`expected 1000 rows, got ${rows.length}`);
  const parser = await javaParser();
  // Rows carry the study's fixed_prediction; drop it so validity and repair run on the raw prediction.
  const raw = rows.map((r) => ({ ...r, fixedPrediction: undefined }));
  let w = performance.now();
  let c = cpuMs();
  const { scores } = evaluateText(parser, raw, 'chars');
  const evalWall = performance.now() - w;
  const evalCpu = cpuMs() - c;
  w = performance.now();
  c = cpuMs();
  codeBleu(parser, rows.map((r) => r.target ?? ''), rows.map((r) => r.fixedPrediction ?? ''), { tokenizer: 'chars' });
  const cbWall = performance.now() - w;
  const cbCpu = cpuMs() - c;
  process.stderr.write(`1000 predictions: syntax strict ${scores.syntax_strict}, lenient ${scores.syntax_lenient}, CodeBLEU ${scores.codebleu.toFixed(4)}\n`);
  const r = (name: string, ms: number) => ({ name, value: Math.round(ms / 10) / 100, unit: 's', anchor: null, anchor_value: null, ratio: null });
  const results = [
    r('eval 1,000 predictions: validity + repair + CodeBLEU chars (wall)', evalWall),
    r('eval 1,000 predictions: validity + repair + CodeBLEU chars (CPU)', evalCpu),
    r('CodeBLEU chars, 1,000 fixed predictions (wall)', cbWall),
    r('CodeBLEU chars, 1,000 fixed predictions (CPU)', cbCpu),
  ];
  for (const x of results) process.stderr.write(`${x.name}: ${x.value} s\n`);
  console.log(JSON.stringify(results));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
