// Acceptance test of issue 6: CodeBLEU in `chars` mode over `fixed_prediction` vs `reference`
// reproduces the study's codebleu_scores.csv within ±0.005 on each of the six prediction files.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaParser } from '../../src/java/parser';
import { codeBleu } from '../../src/eval/codebleu/codebleu';

const DIR = path.resolve(__dirname, '../../../shared/benchmarks/paper-predictions');
const FILES = [
  'lora_Salesforce_codegen-350M-multi',
  'full_fine-tuning_bigcode_starcoder2-3b',
  'ia3_metal-llama_CodeLlama-7b-hf',
  'pre-training_Salesforce_codegen2-7B_P',
  'lora_bigcode_starcoder2-3b',
  'prompt-tuning_bigcode_starcoder2-7b',
];

/** The study's number for a file: method column × model row of codebleu_scores.csv. */
function studyScore(file: string): number {
  const [header, ...rows] = fs.readFileSync(path.join(DIR, 'codebleu_scores.csv'), 'utf8').trim().split('\n');
  const methods = header.split(',');
  const method = methods.filter((m) => file.startsWith(m + '_')).sort((a, b) => b.length - a.length)[0];
  const model = file.slice(method.length + 1).replace('_', '/');
  const row = rows.map((r) => r.split(',')).find((r) => r[0] === model);
  if (!row) throw new Error(`no row for ${model}`);
  return Number(row[methods.indexOf(method)]);
}

describe('CodeBLEU reproduces the study (paper-predictions)', function () {
  this.timeout(300_000);
  before(function () {
    if (!fs.existsSync(DIR)) throw new Error(`${DIR} is missing: the study's predictions live in ../shared/benchmarks beside the checkout`);
  });
  for (const file of FILES) {
    it(file, async () => {
      const rows = fs
        .readFileSync(path.join(DIR, file + '.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { reference: string; fixed_prediction: string });
      const got = codeBleu(await javaParser(), rows.map((r) => r.reference), rows.map((r) => r.fixed_prediction), { tokenizer: 'chars' });
      const want = studyScore(file);
      assert.ok(Math.abs(got.codebleu - want) <= 0.005, `${file}: got ${got.codebleu.toFixed(4)}, study ${want.toFixed(4)}`);
    });
  }
});
