// TestTune's folder in the user's cache, for everything it can rebuild (generated model graphs,
// compiled classes, verification results): never inside the model folder or the user's project.
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * TestTune's folder in the user's cache: $XDG_CACHE_HOME/testtune (an absolute path, as the XDG spec
 * asks), else %LOCALAPPDATA%\testtune\cache on Windows, else ~/.cache/testtune.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'testtune');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'testtune', 'cache');
  return path.join(os.homedir(), '.cache', 'testtune');
}
