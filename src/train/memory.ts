// A full garbage collection on demand, for the few moments when the trainer drops large JS arrays
// (graph IR, model bytes, frozen weights) just before ONNX Runtime allocates: without it V8 keeps them
// until its own heuristics run, and their memory adds to the process's peak. `--expose-gc` is switched
// on at run time through the V8 API (the documented flag, set before the first call), so no command line
// needs it; the flag only adds the `gc` function to new contexts.
import * as v8 from 'v8';
import * as vm from 'vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    const own = (globalThis as { gc?: () => void }).gc;
    if (own) gc = own;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
  }
  gc();
}
