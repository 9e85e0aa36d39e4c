/**
 * Shared-memory layout constants: the TypeScript copy. `assembly/layout.ts` holds the
 * AssemblyScript copy; `test/abi/layout.test.ts` checks that the two agree.
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

// --- LIF (owned by the LIF kernel engineer: assembly/kernels/lif.ts, src/execute/lif.ts) ---
/*
 * LIF run state. The driver (src/execute/lif.ts) allocates every region from the arena, zeroes the
 * state, and writes a control block of LIF_CONTROL_BYTES that the kernel reads at each call:
 *
 *   control block (8-byte aligned)                     regions it points at
 *   byte  type name                 written by         ------------------------------------------
 *   +0    u32  n                    driver             current    i64[n]     u, kernel reads/writes
 *   +4    u32  outOffsets           driver             voltage    i64[n]     v, kernel reads/writes
 *   +8    u32  outTargets           driver             refractory i32[n]     steps still held at 0
 *   +12   u32  outWeights (0=unit)  driver             ring       i64[D*n]   arrivals: row (t mod D)
 *   +16   u32  weightKind WEIGHT_*  driver                                   holds what neurons see at
 *   +20   u32  outDelays            driver                                   step t; D = maxDelay + 1
 *   +24   u32  delayKind  DELAY_*   driver             spikeCounts i32[n]    kernel adds
 *   +28   u32  constantDelay        driver             spikeIds   u32[cap]   ids spiking, step by step,
 *   +32   u32  ringRows (D)         driver                                   ascending within a step;
 *   +36   u32  params               driver                                   rewritten from 0 each call
 *   +40   u32  paramStride (bytes)  driver             stepSpikes u32[K]     spikes of each step of the
 *   +44   u32  current              driver                                   call (K = steps per call)
 *   +48   u32  voltage              driver             params     NEURON_STRIDE i32 records, stride
 *   +52   u32  refractory           driver                        paramStride (0 = one shared record)
 *   +56   u32  ring                 driver
 *   +60   u32  spikeCounts          driver
 *   +64   u32  spikeIds             driver
 *   +68   u32  spikeCapacity        driver
 *   +72   u32  stepSpikes           driver
 *   +80   u64  seed                 driver
 *   +88   u64  synapticEvents       kernel (adds spikes x out-degree)
 *   +96   u32  errorNeuron          kernel, on LIF_STATUS_OVERFLOW
 *   +100  u32  errorStep            kernel, on LIF_STATUS_OVERFLOW
 *   +104  u32  spikesWritten        kernel: spike ids written by the last call
 *   +108  u32  updateCount          driver: neurons updated each step are local ids [0, updateCount)
 *   +112  u32  globalIds (0=identity) driver: u32[n], the id NOISE draws with for each local id
 *   +116 .. +127                    unused (zero)
 *
 * lif_run(control, firstStep, maxSteps) returns the steps it completed (it stops early when the
 * next step's spikes might not fit in spikeIds) or LIF_STATUS_OVERFLOW.
 *
 * Local graphs (issue 4). A partition runs the same kernels on its local graph: n counts all local
 * ids, masters first (local 0 .. updateCount − 1, the neurons it updates) and then replicas of
 * neurons whose master is elsewhere. Only masters are updated and only they can spike; current,
 * voltage, refractory, spikeCounts and params need to be meaningful for masters only, but are
 * sized n so that one layout serves both. The ring spans all n local ids: replica targets collect
 * arrivals there too, which lif_ring_take hands out for the master's partition to lif_ring_add.
 * The single-worker driver is the case updateCount = n, globalIds = 0.
 *
 *   lif_deliver(control, ids, steps, count): ids u32[count] (local ids, usually replicas), steps
 *     u32[count] (the 1-based step each fired at): pushes each along its local out-arcs into ring row
 *     (step + d) mod D and adds the arcs to synapticEvents. Returns the arcs pushed (u32).
 *   lif_ring_take(control, firstStep, rows, list, count, out): out i64[count · rows], row-major per
 *     list entry: out[i · rows + r] = ring[(firstStep + r) mod D][list[i]], and the cell is zeroed.
 *   lif_ring_add(control, firstStep, rows, list, count, input): the inverse direction,
 *     ring[(firstStep + r) mod D][list[i]] += input[i · rows + r]. Both need rows ≤ D (distinct rows)
 *     and return count · rows.
 *
 * Epoch protocol (E ≤ every delay): run E steps on every partition; send each master spike (id,
 * step) to the partitions holding a replica of it, which lif_deliver it; then take rows firstStep =
 * (epoch end + 1), rows = E from every replica and add them to its master. A spike at step t lands
 * at t + d ≥ t + E, in a later epoch, and is pushed (in-kernel or delivered) by the end of its own
 * epoch, so every arrival reaches its master's ring before the master's update reads it.
 */
export const LIF_N = 0;
export const LIF_OUT_OFFSETS = 4;
export const LIF_OUT_TARGETS = 8;
export const LIF_OUT_WEIGHTS = 12;
export const LIF_WEIGHT_KIND = 16;
export const LIF_OUT_DELAYS = 20;
export const LIF_DELAY_KIND = 24;
export const LIF_CONSTANT_DELAY = 28;
export const LIF_RING_ROWS = 32;
export const LIF_PARAMS = 36;
export const LIF_PARAM_STRIDE = 40;
export const LIF_CURRENT = 44;
export const LIF_VOLTAGE = 48;
export const LIF_REFRACTORY = 52;
export const LIF_RING = 56;
export const LIF_SPIKE_COUNTS = 60;
export const LIF_SPIKE_IDS = 64;
export const LIF_SPIKE_CAPACITY = 68;
export const LIF_STEP_SPIKES = 72;
export const LIF_SEED = 80;
export const LIF_SYNAPTIC_EVENTS = 88;
export const LIF_ERROR_NEURON = 96;
export const LIF_ERROR_STEP = 100;
export const LIF_SPIKES_WRITTEN = 104;
export const LIF_UPDATE_COUNT = 108;
export const LIF_GLOBAL_IDS = 112;
export const LIF_CONTROL_BYTES = 128;
/** lif_run's status for |u| or |v| reaching LIF_STATE_LIMIT (the error slots name neuron and step). */
export const LIF_STATUS_OVERFLOW = -1;
/** |u| and |v| must stay below 2^61 (lif-model.md: overflow is detected, never wrapped). */
export const LIF_STATE_LIMIT_BITS = 61;
