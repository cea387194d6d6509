"""SentencePiece-style BPE tokenizer.json files (byte_fallback, Metaspace, Prepend/Replace normalizers,
special tokens) as Llama-2/CodeLlama/Mistral ship them, trained with Hugging Face `tokenizers` on this
repository's Java fixtures, for test/unit/tokenizer-sentencepiece.test.ts (which checks TestTune's ids
against the npm `tokenizers` binding, the same Rust core).

Usage: python scripts/interop/make_tokenizers.py [--out test/fixtures/interop-tokenizers]
The alphabet is limited so that rarer characters (newlines, accents, emoji) take the byte fallback.
"""
import argparse
import glob
import json
import os

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

SPECIALS = ['<unk>', '<s>', '</s>']


def java_texts():
    files = sorted(glob.glob('test/fixtures/**/*.java', recursive=True) + glob.glob('examples/**/*.java', recursive=True))
    return [open(f, encoding='utf-8').read() for f in files]


def train(vocab_size):
    tok = Tokenizer(models.BPE(unk_token='<unk>', byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement='▁', prepend_scheme='always', split=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, limit_alphabet=70, show_progress=False)
    tok.train_from_iterator(java_texts(), trainer)
    return json.loads(tok.to_str())


def with_byte_tokens(j):
    """Llama layout: <unk> <s> </s>, then <0x00>..<0xFF>, then the learned pieces."""
    old = j['model']['vocab']
    vocab = {s: i for i, s in enumerate(SPECIALS)}
    for b in range(256):
        vocab[f'<0x{b:02X}>'] = len(vocab)
    for piece, _ in sorted(old.items(), key=lambda kv: kv[1]):
        if piece not in vocab:
            vocab[piece] = len(vocab)
    j['model']['vocab'] = vocab
    j['added_tokens'] = [dict(id=i, content=s, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
                         for i, s in enumerate(SPECIALS)]
    return j


SP_DECODER = {'type': 'Sequence', 'decoders': [
    {'type': 'Replace', 'pattern': {'String': '▁'}, 'content': ' '},
    {'type': 'ByteFallback'}, {'type': 'Fuse'}, {'type': 'Strip', 'content': ' ', 'start': 1, 'stop': 0}]}


def variants(base):
    legacy = json.loads(json.dumps(base))  # Llama-2 / CodeLlama: normalizer does the spaces, no pre-tokenizer
    legacy['normalizer'] = {'type': 'Sequence', 'normalizers': [
        {'type': 'Prepend', 'prepend': '▁'}, {'type': 'Replace', 'pattern': {'String': ' '}, 'content': '▁'}]}
    legacy['pre_tokenizer'] = None
    legacy['decoder'] = SP_DECODER
    first = json.loads(json.dumps(base))  # Mistral / newer Llama: Metaspace, prepend on the first piece only
    first['normalizer'] = None
    first['pre_tokenizer'] = {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'first', 'split': False}
    first['decoder'] = SP_DECODER
    split = json.loads(json.dumps(base))  # Metaspace splitting into words, NFC first
    split['normalizer'] = {'type': 'NFC'}
    split['pre_tokenizer'] = {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True}
    split['decoder'] = {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True}
    split['model']['byte_fallback'] = False  # no byte fallback: unknown characters are <unk>, fused
    return {'sp-legacy': legacy, 'sp-metaspace-first': first, 'sp-metaspace-split': split}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/interop-tokenizers')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    base = with_byte_tokens(train(800))
    for name, j in variants(base).items():
        Tokenizer.from_str(json.dumps(j))  # the reference must accept it
        with open(os.path.join(args.out, f'{name}.json'), 'w', encoding='utf-8') as f:
            json.dump(j, f, ensure_ascii=False)
        print(name, len(j['model']['vocab']), 'ids')


if __name__ == '__main__':
    main()
