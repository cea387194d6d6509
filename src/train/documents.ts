// Plain language-model data beside the (source, target) pairs: documents (a repository's main
// sources) cut into chunks of at most the training sequence length, each an example whose loss covers
// every token (promptLen 0), so the adapter also learns the repository's own API and names, not only
// its tests. The study trained on pairs only; this is TestTune's addition (issue 20, item 2). How many
// chunks join the pairs is bounded by a share of the pairs' tokens, so a large repository's sources
// cannot swamp its tests (nor the time budget); which chunks is a seeded, order-independent sample.
// Reading never throws: bad lines become messages naming the file and line.
import { readJsonlObjects } from '../util/jsonl';
import type { Example, TokenizerLike } from './data';
import { rng } from '../util/rng';

export interface Document {
  text: string;
  id?: string; // where it came from (a relative path), for messages
}

export interface ChunkStats {
  documents: number;
  chunks: number; // chunks available before the token budget
  used: number; // chunks kept
  tokens: number; // tokens over the kept chunks
}

/** Chunks shorter than this are left out: a file's tail of a few tokens teaches nothing. */
export const MIN_CHUNK_TOKENS = 32;

/** Reads JSONL documents: one object with a string field "text" (and optionally "id" or "path") per line. */
export function readDocuments(file: string): { documents: Document[]; errors: string[] } {
  const { rows, errors } = readJsonlObjects(file);
  const documents: Document[] = [];
  for (const { line, value: r } of rows) {
    if (typeof r.text !== 'string') {
      errors.push(`${file}:${line}: expected an object with a string field "text"`);
      continue;
    }
    const id = typeof r.id === 'string' ? r.id : typeof r.path === 'string' ? r.path : undefined;
    documents.push({ text: r.text, ...(id !== undefined ? { id } : {}) });
  }
  return { documents, errors };
}

/**
 * The documents as LM examples of at most `maxTokens` tokens (loss on every token), at most
 * `budgetTokens` tokens in all: when the chunks exceed the budget, a seeded sample of them is kept
 * (in document order), so the same documents and seed always give the same examples.
 */
export function chunkDocuments(tok: TokenizerLike, documents: readonly Document[], maxTokens: number, budgetTokens: number, seed: number): { examples: Example[]; stats: ChunkStats } {
  const chunks: Example[] = [];
  for (const d of documents) {
    const ids = tok.encode(d.text);
    for (let at = 0; at < ids.length; at += maxTokens) {
      const part = ids.slice(at, at + maxTokens);
      if (part.length < MIN_CHUNK_TOKENS) continue;
      chunks.push({ ids: part, promptLen: 0, ...(d.id !== undefined ? { id: `${d.id}#${at / maxTokens}` } : {}) });
    }
  }
  const total = chunks.reduce((s, c) => s + c.ids.length, 0);
  let kept = chunks;
  if (total > budgetTokens) {
    // A seeded shuffle picks which chunks fill the budget; they keep document order afterwards.
    const rand = rng((seed * 2654435761 + 97) >>> 0);
    const order = chunks.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const pick: number[] = [];
    let used = 0;
    for (const i of order) {
      if (used + chunks[i].ids.length > budgetTokens) continue;
      pick.push(i);
      used += chunks[i].ids.length;
    }
    kept = pick.sort((a, b) => a - b).map((i) => chunks[i]);
  }
  return { examples: kept, stats: { documents: documents.length, chunks: chunks.length, used: kept.length, tokens: kept.reduce((s, c) => s + c.ids.length, 0) } };
}
