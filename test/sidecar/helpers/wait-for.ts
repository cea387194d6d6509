// Waits until a SidecarClient reaches a state, or fails after `ms`.
import type { SidecarClient, StateChange } from '../../../src/sidecar/client';

export function waitForState(client: SidecarClient, state: StateChange['state'], ms: number): Promise<StateChange> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${state}' within ${ms} ms (now '${client.state}')`)), ms);
    const d = client.onDidChangeState((e) => {
      if (e.state !== state) return;
      clearTimeout(t);
      d.dispose();
      resolve(e);
    });
  });
}
