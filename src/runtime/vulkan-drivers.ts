// The Vulkan drivers (ICDs) a process would load on Linux, read from their JSON manifests the way the
// Vulkan loader finds them, each classed as software (a CPU emulating a GPU: Mesa's lavapipe, Google's
// SwiftShader) or not. Dawn (ONNX Runtime's WebGPU provider) runs on whatever adapter these drivers
// offer, and a software one is 12–20× slower than ONNX Runtime's CPU provider (measured with lavapipe),
// so `auto` must not pick it. The Node binding does not say which adapter Dawn picked; a driver's
// library name does. Reads a few small files, never throws.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readRegularText } from '../util/safe-read';

export interface VulkanDriver {
  manifest: string; // the ICD JSON's path
  library: string; // its library_path as written
  /** The software rasteriser's name when the driver is one (lavapipe, SwiftShader), else undefined. */
  software?: string;
}

/** Library names of the software Vulkan drivers, matched on the library's file name. */
const SOFTWARE_DRIVERS: Array<{ pattern: RegExp; name: string }> = [
  { pattern: /vulkan_lvp|lavapipe|llvmpipe/i, name: 'lavapipe (Mesa, on the CPU)' },
  { pattern: /swiftshader/i, name: 'SwiftShader (on the CPU)' },
];

/** The software driver's name when the library is one; undefined for every other (hardware) driver. */
export function softwareDriverName(library: string): string | undefined {
  const base = path.basename(library);
  return SOFTWARE_DRIVERS.find((d) => d.pattern.test(base))?.name;
}

/**
 * Where the Vulkan loader looks for ICD manifests on Linux: VK_DRIVER_FILES or VK_ICD_FILENAMES (files or
 * folders, colon-separated; they replace the search), else the XDG config and data folders plus
 * /etc; VK_ADD_DRIVER_FILES adds to either.
 */
export function icdSearchPaths(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string[] {
  const split = (v: string | undefined) => (v ?? '').split(':').filter((p) => p !== '');
  const added = split(env.VK_ADD_DRIVER_FILES);
  const explicit = split(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  if (explicit.length) return [...added, ...explicit];
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const configDirs = split(env.XDG_CONFIG_DIRS || '/etc/xdg');
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local/share');
  const dataDirs = split(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share');
  const icd = (d: string) => path.join(d, 'vulkan/icd.d');
  return [...added, icd(configHome), ...configDirs.map(icd), '/etc/vulkan/icd.d', icd(dataHome), ...dataDirs.map(icd)];
}

/** The drivers whose manifests are found at `searchPaths` (a folder's *.json files, or a file itself). */
export function findVulkanDrivers(searchPaths: string[] = icdSearchPaths()): VulkanDriver[] {
  const drivers: VulkanDriver[] = [];
  const seen = new Set<string>();
  for (const p of searchPaths) {
    let files: string[];
    try {
      files = fs.statSync(p).isDirectory() ? fs.readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(p, f)) : [p];
    } catch {
      continue; // a folder that does not exist is the usual case
    }
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const library = icdLibrary(file);
      if (library !== undefined) drivers.push({ manifest: file, library, ...(softwareDriverName(library) ? { software: softwareDriverName(library) } : {}) });
    }
  }
  return drivers;
}

/** `ICD.library_path` of a manifest, undefined when it cannot be read or has none. */
function icdLibrary(file: string): string | undefined {
  try {
    const lib = (JSON.parse(readRegularText(file, 64 * 1024)) as { ICD?: { library_path?: unknown } }).ICD?.library_path;
    return typeof lib === 'string' ? lib : undefined;
  } catch {
    return undefined;
  }
}
