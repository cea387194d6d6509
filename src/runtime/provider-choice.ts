// Which execution provider a preference gets, as a decision over facts about the machine (is CUDA's
// provider library installed, does WebGPU find a hardware adapter, which software Vulkan drivers are
// there). Kept apart from ort.ts, which gathers the facts (probes cost a child process), so the table
// itself is unit-tested without ONNX Runtime. `skipped` lists what was passed over and why; the callers
// put it in the session's note (the log, the status bar tooltip, `testtune generate`'s stderr).

export type ProviderPreference = 'auto' | 'cuda' | 'webgpu' | 'cpu';
/** The provider a session actually runs on. */
export type ExecutionProviderName = 'cuda' | 'webgpu' | 'cpu';

/** A WebGPU probe's answer: an adapter was found, or why not (first line of the error). */
export type AdapterProbe = { found: true } | { found: false; why: string };

/** What the decision needs; each is asked only when the table reaches it (probes are not free). */
export interface ProviderFacts {
  cudaLibrary(): boolean;
  /** WebGPU with the software Vulkan drivers hidden: an adapter found means a hardware GPU. */
  hardwareWebgpu(): Promise<AdapterProbe>;
  /** WebGPU as the process sees it (every driver): for an explicit 'webgpu'. */
  anyWebgpu(): Promise<AdapterProbe>;
  /** Names of the software Vulkan drivers installed (lavapipe, SwiftShader); empty when none. */
  softwareDrivers(): string[];
}

export interface ProviderChoice {
  provider: ExecutionProviderName;
  /** What auto passed over, or what an explicit choice could not get, with the reason. */
  skipped: string[];
  /** Said even when the choice stands: e.g. an explicit 'webgpu' that runs on a software driver. */
  remark?: string;
}

export const CUDA_MISSING = "CUDA: onnxruntime-node's CUDA provider library is not installed";

export async function chooseProvider(pref: ProviderPreference, facts: ProviderFacts): Promise<ProviderChoice> {
  const skipped: string[] = [];
  if (pref === 'cpu') return { provider: 'cpu', skipped };
  if (pref === 'cuda' || pref === 'auto') {
    if (facts.cudaLibrary()) return { provider: 'cuda', skipped };
    skipped.push(CUDA_MISSING);
    if (pref === 'cuda') return { provider: 'cpu', skipped };
  }
  if (pref === 'auto') {
    const hw = await facts.hardwareWebgpu();
    if (hw.found) return { provider: 'webgpu', skipped };
    const soft = facts.softwareDrivers();
    // A software adapter would run, but slower than the CPU provider: auto takes the CPU and says why.
    skipped.push(soft.length ? `WebGPU: ${softwareOnly(soft)}, slower than the CPU provider (choose "webgpu" to use it anyway)` : `WebGPU: ${hw.why}`);
    return { provider: 'cpu', skipped };
  }
  // an explicit 'webgpu': any adapter, a software one included (CI's lavapipe), said in a remark
  const any = await facts.anyWebgpu();
  if (!any.found) {
    skipped.push(`WebGPU: ${any.why}`);
    return { provider: 'cpu', skipped };
  }
  const soft = facts.softwareDrivers();
  if (soft.length === 0 || (await facts.hardwareWebgpu()).found) return { provider: 'webgpu', skipped };
  return { provider: 'webgpu', skipped, remark: `WebGPU runs on ${softwareOnly(soft)}, slower than the CPU provider` };
}

function softwareOnly(names: string[]): string {
  return `only a software Vulkan driver, ${names.join(' and ')}`;
}
