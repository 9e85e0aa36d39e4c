/**
 * The integer LIF simulation on one worker: validates the run, lays out its state in the host's
 * arena, and drives the `lif_run` kernel in chunks of steps (see assembly/kernels/lif.ts and the LIF
 * section of src/memory/layout.ts).
 *
 * Why chunks: a single long WebAssembly call stays in V8's baseline tier (STACK.md); calls of a
 * bounded number of steps let later calls run the optimized code, and give progress reports and
 * bounded spike buffers for free.
 */
import { ErrorCode, InputError, OptionsError, SimulationError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import type { WasmHost } from '../memory/host.js';
import {
  DELAY_CONSTANT,
  LIF_CONSTANT_DELAY,
  LIF_CONTROL_BYTES,
  LIF_CURRENT,
  LIF_DELAY_KIND,
  LIF_ERROR_NEURON,
  LIF_ERROR_STEP,
  LIF_GLOBAL_IDS,
  LIF_N,
  LIF_OUT_DELAYS,
  LIF_OUT_OFFSETS,
  LIF_OUT_TARGETS,
  LIF_OUT_WEIGHTS,
  LIF_PARAMS,
  LIF_PARAM_STRIDE,
  LIF_REFRACTORY,
  LIF_RING,
  LIF_RING_ROWS,
  LIF_SEED,
  LIF_SPIKES_WRITTEN,
  LIF_SPIKE_CAPACITY,
  LIF_SPIKE_COUNTS,
  LIF_SPIKE_IDS,
  LIF_STATE_LIMIT_BITS,
  LIF_STATUS_OVERFLOW,
  LIF_STEP_SPIKES,
  LIF_SYNAPTIC_EVENTS,
  LIF_UPDATE_COUNT,
  LIF_VOLTAGE,
  LIF_WEIGHT_KIND,
  NEURON_DEFAULTS,
  NEURON_FIELDS,
  NEURON_STRIDE,
  WEIGHT_F64,
  WEIGHT_UNIT,
} from '../memory/layout.js';
import type { AlgorithmOptions, AlgorithmResult, SpikeRaster, SuperstepStats } from './types.js';

/** The most steps one run may take: steps are u32 in the kernel and in the noise counter. */
export const MAX_LIF_STEPS = 0xffff_ffff;
/** Steps per kernel call: short enough that the optimizing tier takes over early in a run. */
const STEPS_PER_CALL = 64;
/** Spike ids the kernel may write per call, in units of n (a step can spike every neuron once). */
const SPIKE_BUFFER_STEPS = 8;

export interface LifRunOptions {
  steps: number;
  seed: bigint;
  recordSpikes: boolean;
}

/** Validate the LIF options at the public boundary (messages name the option and the rule). */
export function lifOptions(options: AlgorithmOptions): LifRunOptions {
  const steps = options.steps ?? 1000;
  if (!(Number.isInteger(steps) && steps >= 0 && steps <= MAX_LIF_STEPS)) {
    throw new OptionsError('steps', `must be an integer in [0, ${MAX_LIF_STEPS}]`, steps);
  }
  return { steps, seed: seedOption(options.seed ?? 0), recordSpikes: options.recordSpikes === true };
}

function seedOption(seed: bigint | number): bigint {
  if (typeof seed === 'number') {
    if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new OptionsError('seed', 'must be a non-negative safe integer or a bigint in [0, 2^64)', seed);
    return BigInt(seed);
  }
  if (typeof seed !== 'bigint' || seed < 0n || seed >= 1n << 64n) throw new OptionsError('seed', 'must be an unsigned 64-bit integer', String(seed));
  return seed;
}

/**
 * Reject graphs the integer model cannot run: weights must be integers (lif-model.md), and i32 so
 * that one step's arrivals at a neuron (at most m · 2^31 in magnitude) cannot wrap an i64 before
 * the kernel's overflow check sees them.
 */
export function checkLifGraph(graph: NeuromorphicGraph): void {
  if (graph.weightType === WEIGHT_F64) {
    const weights = graph.outWeightsF64!;
    for (let arc = 0; arc < graph.m; arc++) {
      const w = weights[arc]!;
      if (Number.isInteger(w)) continue;
      throw new InputError(ErrorCode.NON_INTEGER_WEIGHT, `${graph.describeArc(arc)}: the LIF model needs integer weights, got ${w}`, {
        file: graph.name,
        field: 'weight',
      });
    }
    throw new InputError(ErrorCode.INPUT_RANGE, `the LIF model needs weights in the i32 range, got weights in [${graph.minWeight}, ${graph.maxWeight}]`, {
      file: graph.name,
      field: 'weight',
    });
  }
  const largest = Math.max(Math.abs(graph.minWeight), Math.abs(graph.maxWeight));
  if (graph.m * largest >= 2 ** 62) {
    throw new InputError(ErrorCode.INPUT_RANGE, `${graph.m} synapses of weight up to ${largest} could overflow one step's arrivals`, {
      file: graph.name,
      field: 'weight',
    });
  }
}

/**
 * What a LIF run's control block points at: a whole graph (updateCount = n, globalIds = 0), or one
 * partition's local graph (issue 4): local ids 0 .. updateCount − 1 are the masters it updates, the
 * rest replicas; the CSR holds the partition's arcs with local targets (see the LIF section of
 * src/memory/layout.ts for the layout and the epoch protocol). Every field but the counts is a
 * byte offset into the host's shared memory.
 */
export interface LifGraphRegions {
  /** local ids in all: the CSR's rows, the ring's columns */
  n: number;
  /** neurons updated each step: local ids [0, updateCount) */
  updateCount: number;
  outOffsets: number;
  outTargets: number;
  /** i32 weights, or 0 with weightKind WEIGHT_UNIT */
  outWeights: number;
  weightKind: number;
  /** u8/u16 delays, or 0 with delayKind DELAY_CONSTANT */
  outDelays: number;
  delayKind: number;
  constantDelay: number;
  /**
   * Ring rows D: more than any delay of the CSR, and at least the rows one lif_ring_take or
   * lif_ring_add moves. Partitions of one run should all use the whole graph's maxDelay + 1.
   */
  ringRows: number;
  /** NEURON_STRIDE i32 records, one per local id (at least the updated ones), or one shared record */
  params: number;
  sharedParams: boolean;
  /** u32[n]: the global id NOISE draws with for each local id; 0 = identity */
  globalIds: number;
}

/** A LIF run's state in the arena: the control block and the regions it points at. */
export interface LifState {
  control: number;
  n: number;
  updateCount: number;
  current: number;
  voltage: number;
  refractory: number;
  /** i64[ringRows · n], row (t mod D) = arrivals for step t */
  ring: number;
  ringRows: number;
  spikeCounts: number;
  spikeIds: number;
  spikeCapacity: number;
  /** u32[stepCapacity]: the spikes of each step of the last lif_run call */
  stepSpikes: number;
  /** the most steps one lif_run call may be asked for */
  stepCapacity: number;
}

/**
 * Allocate a LIF run's state from the host's arena (the caller marks and releases), zero it, and
 * write the control block for `graph`. Costs 8 bytes per local id per ring row plus ~30 bytes per
 * local id and 4 · max(8 · updateCount, 1024) bytes of spike buffer.
 */
export function createLifState(host: WasmHost, graph: LifGraphRegions, seed: bigint): LifState {
  const { n, updateCount, ringRows } = graph;
  const spikeCapacity = Math.max(updateCount * SPIKE_BUFFER_STEPS, 1024);
  // Allocate everything first: allocation may grow the memory, and views come after.
  const control = host.arena.alloc(LIF_CONTROL_BYTES, 64);
  const state: LifState = {
    control,
    n,
    updateCount,
    current: host.allocArray(BigInt64Array, n),
    voltage: host.allocArray(BigInt64Array, n),
    refractory: host.allocArray(Int32Array, n),
    ring: host.allocArray(BigInt64Array, ringRows * n),
    ringRows,
    spikeCounts: host.allocArray(Int32Array, n),
    spikeIds: host.allocArray(Uint32Array, spikeCapacity),
    spikeCapacity,
    stepSpikes: host.allocArray(Uint32Array, STEPS_PER_CALL),
    stepCapacity: STEPS_PER_CALL,
  };
  // The arena hands back released memory as it was left: zero the state.
  host.view(BigInt64Array, state.current, n).fill(0n);
  host.view(BigInt64Array, state.voltage, n).fill(0n);
  host.view(Int32Array, state.refractory, n).fill(0);
  host.view(BigInt64Array, state.ring, ringRows * n).fill(0n);
  host.view(Int32Array, state.spikeCounts, n).fill(0);

  const words = host.view(Uint32Array, control, LIF_CONTROL_BYTES / 4);
  words.fill(0);
  const put = (offset: number, value: number): void => {
    words[offset / 4] = value;
  };
  put(LIF_N, n);
  put(LIF_OUT_OFFSETS, graph.outOffsets);
  put(LIF_OUT_TARGETS, graph.outTargets);
  put(LIF_OUT_WEIGHTS, graph.weightKind === WEIGHT_UNIT ? 0 : graph.outWeights);
  put(LIF_WEIGHT_KIND, graph.weightKind);
  put(LIF_OUT_DELAYS, graph.delayKind === DELAY_CONSTANT ? 0 : graph.outDelays);
  put(LIF_DELAY_KIND, graph.delayKind);
  put(LIF_CONSTANT_DELAY, graph.delayKind === DELAY_CONSTANT ? graph.constantDelay : 0);
  put(LIF_RING_ROWS, ringRows);
  put(LIF_PARAMS, graph.params);
  put(LIF_PARAM_STRIDE, graph.sharedParams ? 0 : NEURON_STRIDE * 4);
  put(LIF_CURRENT, state.current);
  put(LIF_VOLTAGE, state.voltage);
  put(LIF_REFRACTORY, state.refractory);
  put(LIF_RING, state.ring);
  put(LIF_SPIKE_COUNTS, state.spikeCounts);
  put(LIF_SPIKE_IDS, state.spikeIds);
  put(LIF_SPIKE_CAPACITY, spikeCapacity);
  put(LIF_STEP_SPIKES, state.stepSpikes);
  put(LIF_UPDATE_COUNT, updateCount);
  put(LIF_GLOBAL_IDS, graph.globalIds);
  const longs = host.view(BigUint64Array, control, LIF_CONTROL_BYTES / 8);
  longs[LIF_SEED / 8] = seed;
  longs[LIF_SYNAPTIC_EVENTS / 8] = 0n;
  return state;
}

/**
 * One lif_run call: steps firstStep .. firstStep + maxSteps − 1 (maxSteps ≤ state.stepCapacity)
 * or fewer. Returns the steps done; their spikes are in spikeIds, stepSpikes[k] of them for step
 * firstStep + k. Throws SimulationError LIF_OVERFLOW naming `inputIdOf(local neuron)`.
 */
export function advanceLif(
  host: WasmHost,
  state: LifState,
  firstStep: number,
  maxSteps: number,
  inputIdOf: (local: number) => number | string,
  file?: string,
): number {
  const status = host.exports.lif_run!(state.control, firstStep, maxSteps);
  if (status === LIF_STATUS_OVERFLOW) {
    const words = host.view(Uint32Array, state.control, LIF_CONTROL_BYTES / 4);
    const inputId = inputIdOf(words[LIF_ERROR_NEURON / 4]!);
    const step = words[LIF_ERROR_STEP / 4]!;
    throw new SimulationError(
      ErrorCode.LIF_OVERFLOW,
      `LIF state overflow at neuron ${inputId}, step ${step}: |u| or |v| reached 2^${LIF_STATE_LIMIT_BITS} (weights or bias too large for the model)`,
      { neuron: inputId, step, ...(file === undefined ? {} : { file }) },
    );
  }
  if (status <= 0 && maxSteps > 0) throw new SimulationError(ErrorCode.INTERNAL, `lif_run made no progress at step ${firstStep} (status ${status})`);
  return status;
}

/** The synaptic events a LIF state has counted (spikes times local out-degree, pushed or delivered). */
export function lifSynapticEvents(host: WasmHost, state: LifState): number {
  return Number(host.view(BigUint64Array, state.control, LIF_CONTROL_BYTES / 8)[LIF_SYNAPTIC_EVENTS / 8]!);
}

/**
 * Simulate `steps` steps of the integer LIF model on the graph (lif-model.md). Returns spike counts
 * per neuron (Int32Array, internal ids), the raster on request, the synaptic events (spikes times
 * out-degree) and per-step statistics. Costs: 8 bytes per neuron per ring row (maxDelay + 1 rows)
 * plus ~30 bytes per neuron of state, all released before returning.
 *
 * Throws SimulationError LIF_OVERFLOW (details: neuron as input id, step) when |u| or |v| reaches
 * 2^61, InputError for non-integer weights, OptionsError for bad options.
 */
export function runLif(graph: NeuromorphicGraph, options: AlgorithmOptions = {}): AlgorithmResult {
  const { steps, seed, recordSpikes } = lifOptions(options);
  checkLifGraph(graph);
  const { host, n } = graph;
  const mark = host.arena.mark();
  try {
    // Without a neuron table every neuron shares one defaults record.
    const params = graph.hasNeuronTable ? graph.regions.neurons : host.allocArray(Int32Array, NEURON_STRIDE);
    if (!graph.hasNeuronTable) {
      host.view(Int32Array, params, NEURON_STRIDE).set(NEURON_FIELDS.map((field) => NEURON_DEFAULTS[field]));
    }
    const state = createLifState(
      host,
      {
        n,
        updateCount: n,
        outOffsets: graph.regions.outOffsets,
        outTargets: graph.regions.outTargets,
        outWeights: graph.regions.outWeights,
        weightKind: graph.weightType,
        outDelays: graph.regions.outDelays,
        delayKind: graph.delayType,
        constantDelay: graph.constantDelay,
        ringRows: graph.maxDelay + 1,
        params,
        // A table whose records are all equal (generated networks) runs as one shared record: the
        // kernel then reads the parameters once per step instead of once per neuron.
        sharedParams: !graph.hasNeuronTable || recordsAllEqual(graph.neuronRecords!),
        globalIds: 0,
      },
      seed,
    );

    const perStep: SuperstepStats[] = new Array(steps);
    const spikeSteps = new SpikeAccumulator(recordSpikes);
    const ids = host.view(Uint32Array, state.spikeIds, state.spikeCapacity);
    const counts = host.view(Uint32Array, state.stepSpikes, state.stepCapacity);
    const inputIdOf = (neuron: number): number => graph.toInputId(neuron);
    const started = performance.now();
    let done = 0;
    while (done < steps) {
      const want = Math.min(state.stepCapacity, steps - done);
      const callStart = performance.now();
      const status = advanceLif(host, state, done + 1, want, inputIdOf, graph.name);
      const callMs = performance.now() - callStart;
      // The kernel reports per-step spike counts; wall time is only known per call, so each step
      // of a call gets an equal share of it.
      let offset = 0;
      for (let k = 0; k < status; k++) {
        const active = counts[k]!;
        perStep[done + k] = { ms: callMs / status, active };
        if (recordSpikes) spikeSteps.add(done + k + 1, ids, offset, active);
        offset += active;
      }
      done += status;
      options.onProgress?.(done, steps);
    }
    const wallMs = performance.now() - started;
    return {
      algorithm: 'lif',
      n,
      values: host.view(Int32Array, state.spikeCounts, n).slice(),
      supersteps: steps,
      ...(recordSpikes ? { spikes: spikeSteps.raster() } : {}),
      synapticEvents: lifSynapticEvents(host, state),
      perSuperstep: perStep,
      wallMs,
    };
  } finally {
    host.arena.release(mark);
  }
}

export function recordsAllEqual(records: Int32Array): boolean {
  for (let k = NEURON_STRIDE; k < records.length; k++) if (records[k] !== records[k - NEURON_STRIDE]) return false;
  return true;
}

/** Grows a raster by bulk copies of each call's spike ids (no per-spike JavaScript but the step fill). */
class SpikeAccumulator {
  private steps = new Uint32Array(0);
  private neurons = new Uint32Array(0);
  private length = 0;

  constructor(private readonly enabled: boolean) {}

  add(step: number, ids: Uint32Array, offset: number, count: number): void {
    if (!this.enabled || count === 0) return;
    const need = this.length + count;
    if (need > this.neurons.length) {
      const capacity = Math.max(need, this.neurons.length * 2, 1024);
      const steps = new Uint32Array(capacity);
      steps.set(this.steps.subarray(0, this.length));
      const neurons = new Uint32Array(capacity);
      neurons.set(this.neurons.subarray(0, this.length));
      this.steps = steps;
      this.neurons = neurons;
    }
    this.neurons.set(ids.subarray(offset, offset + count), this.length);
    this.steps.fill(step, this.length, need);
    this.length = need;
  }

  raster(): SpikeRaster {
    return { steps: this.steps.slice(0, this.length), neurons: this.neurons.slice(0, this.length) };
  }
}

/**
 * SHA-256 (hex) of the run's T × n raster of 0/1 bytes, row t − 1 holding step t, one byte per
 * neuron in id order: the fingerprint lif-model.md defines. Uses WebCrypto, present in browsers
 * and in Node ≥ 19 as `globalThis.crypto`. Builds the whole raster in memory (T · n bytes).
 */
export async function rasterSha256(result: Pick<AlgorithmResult, 'spikes'>, n: number, steps: number): Promise<string> {
  const raster = result.spikes;
  if (!raster) throw new OptionsError('recordSpikes', 'must be set on the run whose raster is hashed');
  const bytes = rasterBytes(raster, n, steps);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The T × n raster of 0/1 bytes of a spike list (row t − 1 = step t). */
export function rasterBytes(raster: SpikeRaster, n: number, steps: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(n * steps);
  const { steps: spikeSteps, neurons } = raster;
  for (let k = 0; k < neurons.length; k++) {
    const step = spikeSteps[k]!;
    const neuron = neurons[k]!;
    if (step < 1 || step > steps || neuron >= n) throw new OptionsError('spikes', `spike (${step}, ${neuron}) lies outside a ${steps} × ${n} raster`);
    bytes[(step - 1) * n + neuron] = 1;
  }
  return bytes;
}
