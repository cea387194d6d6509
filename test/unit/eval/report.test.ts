import { strict as assert } from 'node:assert';
import { humanCount, methodLabel, svgChart, tableIV, type MethodResult } from '../../../src/eval/report';
import { parseRows } from '../../../src/eval/dataset';
import { promptSignature } from '../../../src/pipeline/prompt';

const ROWS: MethodResult[] = [
  { method: 'lora', trainableParams: 1_572_864, totalParams: 1_000_000_000, syntax: 0.971, codebleu: 0.2901, compile: 0.5, pass: 0.25, instruction: 0.4, branch: 0.3 },
  { method: 'base', syntax: 0.85, codebleu: 0.1543 },
  { method: 'full', trainableParams: 3_000_000_000, totalParams: 3_000_000_000, syntax: 0.967, codebleu: 0.2786 },
];

describe('evaluation reports', () => {
  it('Table IV lists base, LoRA, (IA)³, prompt tuning, full in the study order with formatted cells', () => {
    const t = tableIV([...ROWS, { method: 'ia3', codebleu: 0.25 }, { method: 'prompt-tuning', codebleu: 0.17 }]).trim().split('\n');
    assert.equal(t[0], '| Method | Trainable params | Syntactic validity | CodeBLEU | Compile | Pass | Instr. coverage | Branch coverage |');
    assert.deepEqual(t.slice(2).map((l) => l.split(' | ')[0].slice(2)), ['Base model', 'LoRA', '(IA)³', 'Prompt tuning', 'Full fine-tuning']);
    assert.equal(t[3], '| LoRA | 1.57M (0.16%) | 97.1% | 0.2901 | 50.0% | 25.0% | 40.0% | 30.0% |');
    assert.equal(t[2], '| Base model | – | 85.0% | 0.1543 | – | – | – | – |');
    assert.equal(t[6], '| Full fine-tuning | 3.00B (100%) | 96.7% | 0.2786 | – | – | – | – |');
  });

  it('labels and counts', () => {
    assert.equal(methodLabel('pre-training'), 'Base model');
    assert.equal(methodLabel('my-adapter'), 'my-adapter');
    assert.equal(humanCount(999), '999');
    assert.equal(humanCount(12_345), '12.3K');
  });

  it('SVG chart has one bar per method and metric value, escaped labels, and parses as XML-ish', () => {
    const svg = svgChart([...ROWS, { method: 'a<b>', codebleu: 0.5 }]);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.trim().endsWith('</svg>'));
    assert.equal((svg.match(/<rect x="[\d.]+" y="[\d.]+" width="16"/g) ?? []).length, 6 + 2 + 2 + 1); // lora 6, base 2, full 2, a<b> 1
    assert.ok(svg.includes('a&lt;b&gt;') && !svg.includes('a<b>'));
    // CodeBLEU 0.2901 of a 200 px plot → 58.0 px tall bar
    assert.ok(svg.includes('height="58.0" fill="#f28e2b"><title>LoRA: CodeBLEU 29.0%'));
  });
});

describe('evaluation rows', () => {
  it('reads source/target/prediction and the study field names, reporting bad lines without losing others', () => {
    const r = parseRows('{"id":"a","prompt":"p","reference":"r","prediction":"x","fixed_prediction":"y"}\nnot json\n[1]\n\n{"source":"s","target":"t","focal_file":"F.java"}', 'f.jsonl');
    assert.equal(r.rows.length, 2);
    assert.deepEqual(r.rows[0], { id: 'a', source: 'p', target: 'r', prediction: 'x', fixedPrediction: 'y', focalFile: undefined, testMethod: undefined });
    assert.equal(r.rows[1].focalFile, 'F.java');
    assert.equal(r.rows[1].id, '1');
    assert.match(r.errors[0], /^f\.jsonl:2: not JSON/);
    assert.match(r.errors[1], /^f\.jsonl:3: not a JSON object/);
  });

  it('takes the test method header from the end of a Methods2Test prompt', () => {
    const prompt = 'class A {\n    int f() { return 1; }\n}\n\nclass ATest {\n\n    @Test\n    @DisplayName("x")\n    void testF() {\n';
    assert.equal(promptSignature(prompt), '    @Test\n    @DisplayName("x")\n    void testF() {\n');
    assert.equal(promptSignature('class A {\n}\n'), undefined);
    assert.equal(promptSignature('class ATest {\n'), undefined, 'a class header is no method signature');
  });
});
