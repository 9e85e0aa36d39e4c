// Shared-memory layout constants: the AssemblyScript copy of src/memory/layout.ts (which draws the
// regions). test/abi/layout.test.ts parses this file and checks every constant against the
// TypeScript copy, so edit both together.

export const WEIGHT_UNIT: i32 = 0;
export const WEIGHT_I32: i32 = 1;
export const WEIGHT_F64: i32 = 2;

export const DELAY_CONSTANT: i32 = 0;
export const DELAY_U8: i32 = 1;
export const DELAY_U16: i32 = 2;

export const MAX_DELAY: i32 = 65535;

export const NEURON_STRIDE: i32 = 6;
export const NEURON_DU: i32 = 0;
export const NEURON_DV: i32 = 1;
export const NEURON_VTH: i32 = 2;
export const NEURON_BIAS: i32 = 3;
export const NEURON_REFRACTORY: i32 = 4;
export const NEURON_NOISE: i32 = 5;

// --- LIF (owned by the LIF kernel engineer; drawn in src/memory/layout.ts, LIF section) ---
export const LIF_N: i32 = 0;
export const LIF_OUT_OFFSETS: i32 = 4;
export const LIF_OUT_TARGETS: i32 = 8;
export const LIF_OUT_WEIGHTS: i32 = 12;
export const LIF_WEIGHT_KIND: i32 = 16;
export const LIF_OUT_DELAYS: i32 = 20;
export const LIF_DELAY_KIND: i32 = 24;
export const LIF_CONSTANT_DELAY: i32 = 28;
export const LIF_RING_ROWS: i32 = 32;
export const LIF_PARAMS: i32 = 36;
export const LIF_PARAM_STRIDE: i32 = 40;
export const LIF_CURRENT: i32 = 44;
export const LIF_VOLTAGE: i32 = 48;
export const LIF_REFRACTORY: i32 = 52;
export const LIF_RING: i32 = 56;
export const LIF_SPIKE_COUNTS: i32 = 60;
export const LIF_SPIKE_IDS: i32 = 64;
export const LIF_SPIKE_CAPACITY: i32 = 68;
export const LIF_STEP_SPIKES: i32 = 72;
export const LIF_SEED: i32 = 80;
export const LIF_SYNAPTIC_EVENTS: i32 = 88;
export const LIF_ERROR_NEURON: i32 = 96;
export const LIF_ERROR_STEP: i32 = 100;
export const LIF_SPIKES_WRITTEN: i32 = 104;
export const LIF_UPDATE_COUNT: i32 = 108;
export const LIF_GLOBAL_IDS: i32 = 112;
export const LIF_CONTROL_BYTES: i32 = 128;
export const LIF_STATUS_OVERFLOW: i32 = -1;
export const LIF_STATE_LIMIT_BITS: i32 = 61;
