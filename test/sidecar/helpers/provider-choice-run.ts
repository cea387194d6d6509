// Child process of webgpu-auto.test.ts, started with the software Vulkan driver's environment (the
// Vulkan loader reads it when Dawn's instance is created, once per process): prints as JSON what each
// preference resolves to, the child-process adapter probe with only a given driver visible, and the
// note of a session created under `auto`.
// argv: <ICD manifest of the software driver>
import { Graph } from '../../../src/onnx/graph';
import { createSession, probeWebgpuWithDrivers, resolveProvider } from '../../../src/runtime/ort';

async function main(softwareManifest: string): Promise<void> {
  const g = new Graph('relu');
  g.output(g.op('Relu', [g.input('x', 'float32', [1])]), 'y', 'float32', [1]);
  const session = await createSession(g.toModel({ opset: 18 }), { provider: 'auto', threads: 1 });
  const out = {
    auto: await resolveProvider('auto'),
    webgpu: await resolveProvider('webgpu'),
    autoSession: { provider: session.provider, note: session.note ?? null },
    probeSoftwareOnly: await probeWebgpuWithDrivers([softwareManifest]),
    probeNoDriver: await probeWebgpuWithDrivers(['/nonexistent/icd.json']),
    probeNone: await probeWebgpuWithDrivers([]),
  };
  await session.release();
  process.stdout.write(JSON.stringify(out));
}

main(process.argv[2]).catch((e) => {
  process.stderr.write(`provider-choice-run: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
