// Loaded first by `npm run test:sidecar` (mocha --file): the tier's engines, sidecars and CLI children
// cache their generated graphs in a temporary XDG_CACHE_HOME, removed at the end, instead of the
// user's ~/.cache/testtune (src/model/graph-cache.ts). Set at load time, so every child process the
// tests spawn inherits it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-cache-home-'));
const previous = process.env.XDG_CACHE_HOME;
process.env.XDG_CACHE_HOME = cacheHome;

after(() => {
  if (previous === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = previous;
  fs.rmSync(cacheHome, { recursive: true, force: true });
});
