// How large a quantised int8 weight may be on this CPU, for ONNX Runtime's DynamicQuantizeMatMul
// (uint8 activations × int8 weights). On x86-64 CPUs without VNNI (AVX2, or AVX-512 without VNNI)
// ORT's kernel uses VPMADDUBSW, which adds two adjacent products into a *saturating* int16:
// 2 · 255 · 127 = 64770 overflows it, 2 · 255 · 63 = 32130 does not. Measured on the sidecar test's
// tiny model: full-range weights put its logits 0.91 (of 2.43) away from float on such a CPU (emulated
// exactly, and seen on a fresh clone), 0.057 on a VNNI one. So weights keep 7 bits (±63) there, as
// ORT's own `reduce_range` does, and the full ±127 where the integer products are exact: VNNI or AMX
// (VPDPBUSD accumulates in int32) and arm64 (widening multiplies). No onnxruntime-node import; never
// throws (an unreadable /proc/cpuinfo means the safe 7 bits).
import * as fs from 'node:fs';

export type Int8WeightMax = 63 | 127;

/** The weight range for a CPU: its Node `process.arch` and its /proc/cpuinfo text (undefined: unknown). */
export function int8WeightMaxFor(arch: string, cpuinfo: string | undefined): Int8WeightMax {
  if (arch === 'arm64') return 127;
  if (arch !== 'x64' || cpuinfo === undefined) return 63;
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].split(/\s+/) ?? [];
  return flags.some((f) => f === 'avx512_vnni' || f === 'avx_vnni' || f === 'amx_int8') ? 127 : 63;
}

let cached: Int8WeightMax | undefined;

/** The weight range for the CPU this process runs on (read once). */
export function int8WeightMax(): Int8WeightMax {
  if (cached === undefined) {
    let cpuinfo: string | undefined;
    try {
      cpuinfo = process.platform === 'linux' ? fs.readFileSync('/proc/cpuinfo', 'utf8') : undefined;
    } catch {
      cpuinfo = undefined;
    }
    cached = int8WeightMaxFor(process.arch, cpuinfo);
  }
  return cached;
}
