// How the host starts the sidecar process: the bundled script under a given node (VS Code's, with
// ELECTRON_RUN_AS_NODE), the TypeScript sources under tsx (tests, development), or whichever sits next
// to the running code. SidecarClient (client.ts) takes one of these.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** How to start the sidecar process. */
export interface SidecarLaunch {
  command: string; // a node executable
  args: string[]; // node options, then the sidecar script
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The bundled sidecar (`dist/sidecar.js`) run by a given node executable (VS Code's: ELECTRON_RUN_AS_NODE). */
export function bundledSidecarLaunch(sidecarJs: string, nodePath: string = process.execPath): SidecarLaunch {
  return { command: nodePath, args: [sidecarJs], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } };
}

/** The sidecar from its TypeScript sources under tsx (tests, development). */
export function sourceSidecarLaunch(nodePath: string = process.execPath): SidecarLaunch {
  const main = path.join(__dirname, 'main.ts');
  const tsx = pathToFileURL(require.resolve(['t', 's', 'x'].join(''))).href; // hidden from the bundler: dev only
  return { command: nodePath, args: ['--import', tsx, main], env: { ...process.env } };
}

/** The sidecar next to this code: `sidecar.js` beside the bundle (dist/), or the TS sources under tsx. */
export function localSidecarLaunch(nodePath: string = process.execPath): SidecarLaunch {
  return __filename.endsWith('.ts') ? sourceSidecarLaunch(nodePath) : bundledSidecarLaunch(path.join(__dirname, 'sidecar.js'), nodePath);
}
