// The prompt's contract with the model's output: a Methods2Test prompt ends with the test method's
// `@Test` line and signature, and the model continues with the body. This file is the one place that
// reads that signature back and turns a completion into one complete test method.
import { extractTestMethod } from '../java/extract';

/**
 * The test method's signature line the prompt ends with (it ends in `{`, maybe one newline after) and
 * the annotation lines right above it (`@Test`, `@DisplayName(…)`), with the prompt's indentation, like
 * the body the model continues with; undefined when the prompt does not end in a method signature.
 */
export function promptSignature(prompt: string): string | undefined {
  if (!/\{\n?$/.test(prompt)) return undefined;
  const newline = prompt.endsWith('\n') ? '\n' : '';
  const lines = prompt.slice(0, prompt.length - newline.length).split('\n');
  let first = lines.length - 1;
  if (!/\(/.test(lines[first])) return undefined;
  while (first > 0 && /^\s*@/.test(lines[first - 1])) first--;
  return lines.slice(first).join('\n') + newline;
}

/** The prompt's signature completed by the model's text, as one complete method, or why not. */
export async function completionToMethod(prompt: string, completion: string): Promise<{ method?: string; errors: string[] }> {
  const signature = promptSignature(prompt);
  const r = await extractTestMethod(completion, signature ? { signature } : {});
  if (!r.method || !r.complete) return { errors: r.errors.length ? r.errors : ['no complete method in the output'] };
  return { method: r.method, errors: r.errors };
}
