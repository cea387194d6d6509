// `testtune model init`: writes a loadable model (config, weights, trained tokenizer) that the engine
// runs; bad options are usage errors.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { loadJavaEngine } from '../../src/generation/java-engine';
import { Tokenizer } from '../../src/model/tokenizer';

describe('testtune model init', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-model-cli-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes a tiny model with a BPE tokenizer trained on Java sources, and the engine generates with it', async () => {
    const corpus = path.join(tmp, 'corpus');
    fs.mkdirSync(corpus);
    fs.writeFileSync(path.join(corpus, 'A.java'), 'public class A {\n  public int add(int a, int b) {\n    return a + b;\n  }\n}\n'.repeat(20));
    const out = path.join(tmp, 'tiny');
    assert.equal(await main(['model', 'init', '--preset', 'tiny', '--out', out, '--corpus', corpus, '--seed', '2']), 0);
    const tok = Tokenizer.fromFile(path.join(out, 'tokenizer.json'));
    assert.ok(tok.vocabSize > 257, 'merges were learned');
    assert.ok(tok.encode('public int add').length < 'public int add'.length);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(cfg.eos_token_id, tok.eosId);
    const engine = await loadJavaEngine(out, { provider: 'cpu' });
    const r = await engine.generate('public void testAdd() {', { maxNewTokens: 5, stopWhenBalanced: false });
    assert.ok(r.stopReason === 'max_tokens' ? r.newTokens === 5 : r.stopReason === 'eos', `${r.stopReason} after ${r.newTokens}`);
    await engine.dispose();
  });

  it('accepts an inline --config and rejects bad options', async () => {
    const out = path.join(tmp, 'custom');
    const config = JSON.stringify({ model_type: 'llama', hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 64, vocab_size: 300, max_position_embeddings: 128 });
    assert.equal(await main(['model', 'init', '--config', config, '--out', out, '--corpus', path.join(tmp, 'none')]), 0);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).hidden_size, 32);
    assert.equal(Tokenizer.fromFile(path.join(out, 'tokenizer.json')).vocabSize, 257, 'byte-level vocabulary without a corpus');
    assert.equal(await main(['model', 'init', '--out', out]), 1);
    assert.equal(await main(['model', 'init', '--preset', 'huge', '--out', out]), 1);
    assert.equal(await main(['model', 'init', '--config', '{"model_type":"gpt2"}', '--out', out]), 1);
  });
});
