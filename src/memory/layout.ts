/**
 * Shared-memory layout constants: the TypeScript copy. `assembly/layout.ts` holds the
 * AssemblyScript copy; `test/layout.test.ts` checks that the two agree.
 *
 * Graph regions (each a separate arena allocation, 64-byte aligned):
 *
 *   outOffsets  u32[n+1]   CSR: out-arcs of u are outTargets[outOffsets[u] .. outOffsets[u+1])
 *   outTargets  u32[m]     arc order = source order, stable in input order ("CSR order")
 *   outWeights  i32[m] | f64[m] | absent      (WEIGHT_* below; absent = every weight is 1)
 *   outDelays   u8[m]  | u16[m] | absent      (DELAY_*; absent = every delay is `constantDelay`)
 *   inOffsets   u32[n+1]   CSC: in-arcs of v are inSources[inOffsets[v] .. inOffsets[v+1])
 *   inSources   u32[m]     in-arc order = CSR order of the same arcs (so sums over in-arcs run in
 *                          global arc order, whatever the partition)
 *
 * Neuron parameters (LIF), one record of NEURON_STRIDE i32 per neuron:
 *
 *   neuron i at byte offset neurons + 4 * NEURON_STRIDE * i
 *   +0 du   +1 dv   +2 vth   +3 bias   +4 refractory   +5 noise     (i32 each, lif-model.md)
 */

export const WEIGHT_UNIT = 0;
export const WEIGHT_I32 = 1;
export const WEIGHT_F64 = 2;

export const DELAY_CONSTANT = 0;
export const DELAY_U8 = 1;
export const DELAY_U16 = 2;

/** The largest synaptic delay, in steps, a graph may carry (u16 storage). */
export const MAX_DELAY = 65535;

export const NEURON_STRIDE = 6;
export const NEURON_DU = 0;
export const NEURON_DV = 1;
export const NEURON_VTH = 2;
export const NEURON_BIAS = 3;
export const NEURON_REFRACTORY = 4;
export const NEURON_NOISE = 5;

/** Parameter names in record order, as the neuron table names its columns. */
export const NEURON_FIELDS = ['du', 'dv', 'vth', 'bias', 'refractory', 'noise'] as const;
export type NeuronField = (typeof NEURON_FIELDS)[number];

/** lif-model.md defaults, in record order. */
export const NEURON_DEFAULTS: Readonly<Record<NeuronField, number>> = {
  du: 1024,
  dv: 256,
  vth: 20000,
  bias: 0,
  refractory: 0,
  noise: 0,
};
