/**
 * The integer LIF simulation on P workers, the same raster bit for bit as one worker
 * (src/execute/lif.ts): all state is integer, so where a spike's weight is added cannot matter, only
 * that it arrives in time. The exchange happens once per epoch of E steps, E no larger than the
 * smallest delay of any arc that crosses partitions (the NEST / Arbor "min delay" epoch): a spike
 * fired in an epoch cannot be due before the next one.
 *
 * Epoch [t, t + E) on partition p:
 *   integrate  lif_run over the masters for E steps; their spikes go along local arcs at once
 *   announce   each master spike -> every partition holding a replica of it, as (position in the
 *              pair's list, step)                                                   --- barrier ---
 *   deliver    received spikes go along the replica's local arcs (lif_deliver) into ring rows
 *              t + d, all at or after t + E
 *   collect    (only when replicas can be arc targets: vertex-cut, hybrid) the rows of the next
 *              epoch that replicas gathered -> their masters' rings (lif_ring_take / lif_ring_add);
 *              those rows are final: a later spike lands at least E steps later     --- barrier ---
 */
import { ErrorCode, SimulationError } from '../../errors.js';
import type { NeuromorphicGraph } from '../../input/graph.js';
import type { WasmHost } from '../../memory/host.js';
import { LIF_CONTROL_BYTES, LIF_CURRENT, LIF_REFRACTORY, LIF_RING, LIF_RING_ROWS, LIF_SPIKE_COUNTS, LIF_VOLTAGE, LIF_ERROR_NEURON, LIF_ERROR_STEP, LIF_STATE_LIMIT_BITS, LIF_STATUS_OVERFLOW, LIF_SYNAPTIC_EVENTS, NEURON_DEFAULTS, NEURON_FIELDS, NEURON_STRIDE } from '../../memory/layout.js';
import type { PlacedPartition } from '../../place/place.js';
import { checkLifGraph, createLifState, lifOptions, recordsAllEqual } from '../lif.js';
import type { AlgorithmOptions, AlgorithmResult, SpikeRaster } from '../types.js';
import type { WorkerContext, WorkerReport } from './context.js';
import type { Program, Settings } from './program.js';

/** Steps per lif_run call, and the longest epoch (the kernel's per-call step buffer). */
const MAX_EPOCH = 64;

/** The run-wide LIF settings: options, epoch length, ring rows, parameter sharing. */
export function lifSettings(graph: NeuromorphicGraph, placed: PlacedPartition[], options: AlgorithmOptions): Settings {
  const { steps, seed, recordSpikes } = lifOptions(options);
  checkLifGraph(graph);
  const crossing = crossPartitionMinDelay(graph, placed);
  return {
    steps,
    seed: seed.toString(),
    recordSpikes,
    epoch: Math.max(1, Math.min(MAX_EPOCH, crossing)),
    ringRows: graph.maxDelay + 1,
    sharedParams: !graph.hasNeuronTable || recordsAllEqual(graph.neuronRecords!),
  };
}

/** The smallest delay of an arc with a replica at either end (Infinity when no arc crosses). */
function crossPartitionMinDelay(graph: NeuromorphicGraph, placed: PlacedPartition[]): number {
  const { host } = graph;
  let smallest = Infinity;
  for (const part of placed) {
    if (part.m === 0 || part.masterCount === part.n) continue;
    if (part.outDelays < 0) {
      smallest = Math.min(smallest, part.constantDelay);
      continue;
    }
    const offsets = host.view(Uint32Array, part.outOffsets, part.n + 1);
    const targets = host.view(Uint32Array, part.outTargets, part.m);
    const delays = part.delayType === 1 ? host.view(Uint8Array, part.outDelays, part.m) : host.view(Uint16Array, part.outDelays, part.m);
    for (let v = 0; v < part.n; v++) {
      const replicaSource = v >= part.masterCount;
      for (let a = offsets[v]!; a < offsets[v + 1]!; a++) {
        if ((replicaSource || targets[a]! >= part.masterCount) && delays[a]! < smallest) smallest = delays[a]!;
      }
    }
  }
  return smallest;
}

export const lifProgram: Program = {
  description: {
    phases: ['integrate', 'announce', 'deliver', 'collect'],
    message: '(list position, step) of each master spike; ring rows (i64 per step) of replica targets back to masters',
    combiner: 'union',
    aggregators: ['synaptic events'],
  },
  needsInArcs: false,
  needsNeurons: true,
  // spikes: up to E per list element, (position, step); ring rows: E i64 per list element
  sizing: (settings: Settings) => ({ multiplicity: settings.epoch as number, payloadBytes: 8 }),

  allocate(host: WasmHost, part: PlacedPartition, settings: Settings): Record<string, number> {
    let params = part.neurons;
    if (params < 0 || settings.sharedParams) {
      const record = params < 0 ? NEURON_FIELDS.map((field) => NEURON_DEFAULTS[field]) : Array.from(host.view(Int32Array, params, NEURON_STRIDE));
      params = host.allocArray(Int32Array, NEURON_STRIDE);
      host.view(Int32Array, params, NEURON_STRIDE).set(record);
    }
    const state = createLifState(
      host,
      {
        n: part.n,
        updateCount: part.masterCount,
        outOffsets: part.outOffsets,
        outTargets: part.outTargets,
        outWeights: part.outWeights < 0 ? 0 : part.outWeights,
        weightKind: part.weightType,
        outDelays: part.outDelays < 0 ? 0 : part.outDelays,
        delayKind: part.delayType,
        constantDelay: part.constantDelay,
        ringRows: settings.ringRows as number,
        params,
        sharedParams: settings.sharedParams as boolean,
        // identity ids (one partition holding everything) take the kernel's faster NOISE loop
        globalIds: isIdentity(host.view(Uint32Array, part.localToGlobal, part.n)) ? 0 : part.localToGlobal,
      },
      BigInt(settings.seed as string),
    );
    const received = Math.max(1, part.receiveOffsets[part.receiveOffsets.length - 1]! * (settings.epoch as number));
    return {
      control: state.control,
      spikeIds: state.spikeIds,
      spikeCapacity: state.spikeCapacity,
      stepSpikes: state.stepSpikes,
      spikeCounts: state.spikeCounts,
      receivedIds: host.allocArray(Uint32Array, received),
      receivedSteps: host.allocArray(Uint32Array, received),
    };
  },

  // the neuron state, the delay ring (arrivals already due in later steps) and the spike counts;
  // the control block's event counter travels in the cursor (the block itself holds pointers)
  state(part, regions, _settings, memory) {
    const words = new Uint32Array(memory, regions.control!, LIF_CONTROL_BYTES / 4);
    const n = part.n;
    return [
      { name: 'current', type: 'i64', offset: words[LIF_CURRENT / 4]!, length: n },
      { name: 'voltage', type: 'i64', offset: words[LIF_VOLTAGE / 4]!, length: n },
      { name: 'refractory', type: 'i32', offset: words[LIF_REFRACTORY / 4]!, length: n },
      { name: 'ring', type: 'i64', offset: words[LIF_RING / 4]!, length: words[LIF_RING_ROWS / 4]! * n },
      { name: 'spikeCounts', type: 'i32', offset: words[LIF_SPIKE_COUNTS / 4]!, length: n },
    ];
  },

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    const k = context.kernels;
    const part = context.part;
    const { control, spikeIds, spikeCapacity, stepSpikes, receivedIds, receivedSteps } = context.regions as Record<string, number>;
    const steps = context.settings.steps as number;
    const epoch = context.settings.epoch as number;
    const gather = context.settings.replicaTargets === true;
    const record = context.settings.recordSpikes === true;
    // spikes go to replicas that push along local arcs; ring rows come back from replicas that are targets
    const { push, pull } = part;
    const { sendPeers, receivePeers } = push;

    // where each master's spikes go: (peer index, position in the pair's list), as a CSR by master
    const targetsOf = replicaDirectory(context);
    const ids = context.view(Uint32Array, spikeIds, spikeCapacity);
    const perStep = context.view(Uint32Array, stepSpikes, MAX_EPOCH);
    const localToGlobal = context.view(Uint32Array, part.localToGlobal, part.n);
    const u32 = new Uint32Array(context.memory.buffer);
    const raster: number[] = [];
    const events64 = new BigUint64Array(context.memory.buffer, control, LIF_CONTROL_BYTES / 8);
    const resumed = context.resumed;
    if (resumed) {
      for (const value of resumed.extras.raster ?? []) raster.push(value);
      events64[LIF_SYNAPTIC_EVENTS / 8] = BigInt(resumed.cursor[1]!);
    }
    if (record) context.checkpointExtras = () => ({ raster: Uint32Array.from(raster) });
    const fill = new Uint32Array(sendPeers.length);
    const boxes = sendPeers.map((peer) => context.outbox(peer));

    let t = resumed ? resumed.cursor[0]! : 1;
    // the loop state a checkpoint takes, made only when one is taken (epochs can be one step long)
    const cursor = (): number[] => [t, Number(events64[LIF_SYNAPTIC_EVENTS / 8]!)];
    while (t <= steps) {
      const length = Math.min(epoch, steps - t + 1);
      context.phase(0);
      // integrate the epoch's steps (lif_run may stop early when its spike buffer fills)
      fill.fill(0);
      for (let i = 0; i < sendPeers.length; i++) boxes[i] = context.outbox(sendPeers[i]!);
      let done = 0;
      while (done < length) {
        const status = k.lif_run(control, t + done, length - done);
        if (status === LIF_STATUS_OVERFLOW) throw overflow(context, control, localToGlobal);
        let offset = 0;
        for (let s = 0; s < status; s++) {
          const step = t + done + s;
          const count = perStep[s]!;
          for (let j = offset; j < offset + count; j++) {
            const v = ids[j]!;
            if (record) raster.push(step, localToGlobal[v]!);
            for (let e = targetsOf.offsets[v]!; e < targetsOf.offsets[v + 1]!; e++) {
              const peer = targetsOf.peer[e]!;
              const box = boxes[peer]!;
              const at = fill[peer]!++;
              u32[(box.positions >>> 2) + at] = targetsOf.position[e]!;
              u32[(box.payload >>> 2) + at] = step;
            }
          }
          offset += count;
        }
        done += status;
      }
      context.phase(1);
      for (let i = 0; i < sendPeers.length; i++) context.router.commit(sendPeers[i]!, boxes[i]!, fill[i]!, 8 * fill[i]!, t);
      yield* context.sync();
      context.phase(2);
      // deliver what the masters elsewhere fired, along this partition's arcs of their replicas
      let received = 0;
      for (let i = 0; i < receivePeers.length; i++) {
        const [list] = context.receiveList(i, push);
        const box = context.inbox(receivePeers[i]!);
        const count = context.received(box);
        for (let j = 0; j < count; j++) {
          u32[(receivedIds >>> 2) + received] = u32[(list >>> 2) + u32[(box.positions >>> 2) + j]!]!;
          u32[(receivedSteps >>> 2) + received] = u32[(box.payload >>> 2) + j]!;
          received++;
        }
      }
      if (received > 0) k.lif_deliver(control, receivedIds, receivedSteps, received);
      const next = t + length;
      const nextLength = Math.min(epoch, steps - next + 1);
      if (gather && nextLength > 0) {
        context.phase(3);
        for (let i = 0; i < pull.receivePeers.length; i++) {
          const [list, count] = context.receiveList(i, pull);
          const box = context.outbox(pull.receivePeers[i]!);
          k.lif_ring_take(control, next, nextLength, list, count, box.payload);
          context.router.commit(pull.receivePeers[i]!, box, count, 8 * count * nextLength);
        }
        yield* context.sync();
        for (let i = 0; i < pull.sendPeers.length; i++) {
          const [list, count] = context.sendList(i, pull);
          k.lif_ring_add(control, next, nextLength, list, count, context.inbox(pull.sendPeers[i]!).payload);
        }
      }
      t = next;
      context.endStep(cursor);
    }
    const events = Number(events64[LIF_SYNAPTIC_EVENTS / 8]!);
    context.extras.raster = Uint32Array.from(raster);
    return { events };
  },
};

function isIdentity(ids: Uint32Array): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i] !== i) return false;
  return true;
}

/** For each master, the (peer index, list position) of each of its replicas: a CSR built once per run. */
function replicaDirectory(context: WorkerContext): { offsets: Uint32Array; peer: Uint32Array; position: Uint32Array } {
  const part = context.part.push;
  const masters = context.part.masterCount;
  const total = part.sendOffsets[part.sendOffsets.length - 1]!;
  const local = context.view(Uint32Array, part.sendLocal, total);
  const offsets = new Uint32Array(masters + 1);
  for (let e = 0; e < total; e++) offsets[local[e]! + 1]!++;
  for (let v = 0; v < masters; v++) offsets[v + 1]! += offsets[v]!;
  const cursor = offsets.slice(0, masters);
  const peer = new Uint32Array(total);
  const position = new Uint32Array(total);
  for (let i = 0; i < part.sendPeers.length; i++) {
    for (let e = part.sendOffsets[i]!; e < part.sendOffsets[i + 1]!; e++) {
      const at = cursor[local[e]!]!++;
      peer[at] = i;
      position[at] = e - part.sendOffsets[i]!;
    }
  }
  return { offsets, peer, position };
}

function overflow(context: WorkerContext, control: number, localToGlobal: Uint32Array): SimulationError {
  const words = context.view(Uint32Array, control, LIF_CONTROL_BYTES / 4);
  const neuron = localToGlobal[words[LIF_ERROR_NEURON / 4]!]!;
  const step = words[LIF_ERROR_STEP / 4]!;
  // the coordinator rewrites `neuron` as an input id (workers know internal ids only)
  return new SimulationError(ErrorCode.LIF_OVERFLOW, `LIF state overflow at neuron #${neuron}, step ${step}: |u| or |v| reached 2^${LIF_STATE_LIMIT_BITS} (weights or bias too large for the model)`, {
    internalNeuron: neuron,
    step,
  });
}

/** Spike counts by global id, the merged raster (sorted by step, then neuron) and the events. */
export function collectLif(
  graph: NeuromorphicGraph,
  placed: PlacedPartition[],
  regions: Record<string, number>[],
  reports: WorkerReport[],
  options: AlgorithmOptions,
  settings: Settings,
): Omit<AlgorithmResult, 'wallMs' | 'perSuperstep'> {
  const { host, n } = graph;
  const counts = new Int32Array(n);
  placed.forEach((part, p) => {
    const local = host.view(Uint32Array, part.localToGlobal, part.masterCount);
    const source = host.view(Int32Array, regions[p]!.spikeCounts!, part.masterCount);
    for (let i = 0; i < part.masterCount; i++) counts[local[i]!] = source[i]!;
  });
  const synapticEvents = reports.reduce((sum, report) => sum + (report.result.events as number), 0);
  const result: Omit<AlgorithmResult, 'wallMs' | 'perSuperstep'> = { algorithm: 'lif', n, values: counts, supersteps: settings.steps as number, synapticEvents };
  if (options.recordSpikes) result.spikes = mergeRasters(reports.map((report) => report.extras?.raster ?? new Uint32Array(0)));
  return result;
}

/** Merge per-worker (step, neuron) pair lists into one raster sorted by step, then neuron. */
function mergeRasters(parts: Uint32Array[]): SpikeRaster {
  const total = parts.reduce((sum, part) => sum + part.length / 2, 0);
  const order = new Float64Array(total);
  let i = 0;
  // step < 2^32 and neuron < 2^31: step · 2^31 + neuron is an exact float64 key
  for (const part of parts) for (let j = 0; j < part.length; j += 2) order[i++] = part[j]! * 2 ** 31 + part[j + 1]!;
  order.sort();
  const steps = new Uint32Array(total);
  const neurons = new Uint32Array(total);
  for (let j = 0; j < total; j++) {
    steps[j] = Math.floor(order[j]! / 2 ** 31);
    neurons[j] = order[j]! % 2 ** 31;
  }
  return { steps, neurons };
}

/** Rewrite a worker's LIF overflow error with the neuron's input id. */
export function lifErrorInInputIds(graph: NeuromorphicGraph, error: Error & { code?: string; details?: Record<string, unknown> }): Error {
  if (error.code !== ErrorCode.LIF_OVERFLOW || typeof error.details?.internalNeuron !== 'number') return error;
  const neuron = graph.toInputId(error.details.internalNeuron);
  const step = error.details.step;
  return new SimulationError(ErrorCode.LIF_OVERFLOW, `LIF state overflow at neuron ${neuron}, step ${step}: |u| or |v| reached 2^${LIF_STATE_LIMIT_BITS} (weights or bias too large for the model)`, { neuron, step, file: graph.name });
}
