import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { command } from '../../../src/cli/commands/eval';
import { runCaptured } from '../../helpers/capture-cli';

const DATA = path.resolve(__dirname, '../../fixtures/eval/predictions.jsonl');

const run = (argv: string[]) => runCaptured(command, argv);

describe('testtune eval (text)', function () {
  this.timeout(30_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'testtune-eval-cli-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--json prints the scores as fractions', async () => {
    const { code, out } = await run(['--data', DATA, '--json', '--save', path.join(tmp, 'a.json'), '--method', 'lora']);
    assert.equal(code, 0);
    const j = JSON.parse(out);
    for (const k of ['n', 'syntax_strict', 'syntax_lenient', 'codebleu', 'bleu', 'weighted_ngram', 'syntax_match', 'dataflow_match']) assert.equal(typeof j[k], 'number', k);
    assert.equal(j.n, 3);
    assert.equal(j.syntax_strict, 1 / 3); // only "valid" parses as written
    assert.equal(j.syntax_lenient, 2 / 3); // "truncated" is repaired, "garbage" is not
    assert.equal(j.n_codebleu, 2);
    assert.equal(j.tokenizer, 'chars');
    for (const k of ['codebleu', 'bleu', 'weighted_ngram', 'syntax_match', 'dataflow_match']) assert.ok(j[k] > 0 && j[k] <= 1, k);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(tmp, 'a.json'), 'utf8')).codebleu, j.codebleu);
  });

  it('whitespace tokenizer changes only the n-gram parts', async () => {
    const chars = JSON.parse((await run(['--data', DATA, '--json'])).out);
    const ws = JSON.parse((await run(['--data', DATA, '--json', '--tokenizer', 'whitespace'])).out);
    assert.notEqual(ws.bleu, chars.bleu);
    assert.equal(ws.syntax_match, chars.syntax_match);
    assert.equal(ws.dataflow_match, chars.dataflow_match);
  });

  it('--table renders Table IV and an SVG from saved results', async () => {
    await run(['--data', DATA, '--save', path.join(tmp, 'b.json'), '--method', 'base', '--limit', '1']);
    const svg = path.join(tmp, 'c.svg');
    const { code, out } = await run(['--table', path.join(tmp, 'a.json'), path.join(tmp, 'b.json'), '--svg', svg]);
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2], /^\| Base model \| – \| 100\.0% \|/);
    assert.match(lines[3], /^\| LoRA \| – \| 66\.7% \|/);
    assert.ok(fs.readFileSync(svg, 'utf8').includes('<svg'));
  });

  it('rejects bad usage with clear messages', async () => {
    await assert.rejects(run([]), /--data <file.jsonl> is required/);
    await assert.rejects(run(['--data', DATA, '--tokenizer', 'bpe']), /--tokenizer must be chars or whitespace/);
    await assert.rejects(run(['--data', path.join(tmp, 'missing.jsonl')]), /cannot read/);
  });
});
