// A toy vocabulary for decoding unit tests: its text stream, and a stepper whose logits rank the ids
// `next(lastId, step)` returns best first (every other id gets -10), so a test scripts the model.
import type { Stepper, TextStream } from '../../src/model/decode';

export function vocabStream(vocab: readonly string[]): TextStream {
  return { push: (id) => (typeof id === 'number' ? vocab[id] : id.map((i) => vocab[i]).join('')), flush: () => '' };
}

export function scriptedStepper(vocabSize: number, next: (last: number, step: number) => number[]): Stepper {
  let n = 0;
  return {
    room: 1000,
    reset() {
      n = 0;
    },
    async step(ids) {
      const logits = new Float32Array(vocabSize).fill(-10);
      next(ids[ids.length - 1], n++).forEach((id, rank) => (logits[id] = 10 - rank));
      return logits;
    },
  };
}
