// Issue 4: the LIF kernels on partitions' local graphs. A network split into K local graphs (a
// random vertex owner and a random arc owner, so replicas appear for every endpoint a part does not
// own, sources and targets alike) and stepped epoch by epoch in one thread, with the two exchanges
// of the epoch protocol (src/memory/layout.ts, LIF section) done by hand here, must give runLif's
// raster, spike counts and synaptic events on the whole graph bit for bit.
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, DELAY_CONSTANT, DELAY_U16, DELAY_U8, WEIGHT_I32, WEIGHT_UNIT, type ArcArrays } from '../../src/index.js';
import type { NeuromorphicGraph } from '../../src/input/graph.js';
import { NEURON_DEFAULTS, NEURON_FIELDS, NEURON_STRIDE, NEURON_VTH } from '../../src/memory/layout.js';
import { advanceLif, createLifState, lifSynapticEvents, runLif, type LifState } from '../../src/execute/lif.js';
import { generateCuba } from '../../src/generate/cuba.js';
import { Prng } from '../../src/generate/prng.js';

const host = createHostSync({ initialBytes: 64 << 20 });

/** The whole graph as plain arrays, CSR order (internal ids). */
interface Network {
  n: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  /** null: every weight is 1 */
  weights: Int32Array | null;
  delays: Uint16Array;
  /** NEURON_STRIDE records per neuron, or one shared record */
  records: Int32Array;
  shared: boolean;
  maxDelay: number;
  minDelay: number;
}

function networkOf(graph: NeuromorphicGraph): Network {
  const m = graph.m;
  const delays = new Uint16Array(m);
  const stored = graph.outDelaysU8 ?? graph.outDelaysU16;
  if (stored) delays.set(stored);
  else delays.fill(graph.constantDelay);
  let records: Int32Array;
  if (graph.hasNeuronTable) records = graph.neuronRecords!.slice();
  else records = Int32Array.from(NEURON_FIELDS.map((field) => NEURON_DEFAULTS[field]));
  let minDelay = Infinity;
  for (const d of delays) minDelay = Math.min(minDelay, d);
  return {
    n: graph.n,
    offsets: graph.outOffsets.slice(),
    targets: graph.outTargets.slice(),
    weights: graph.weightType === WEIGHT_I32 ? graph.outWeightsI32!.slice() : null,
    delays,
    records,
    shared: !graph.hasNeuronTable,
    maxDelay: graph.maxDelay,
    minDelay,
  };
}

interface LocalPart {
  masterCount: number;
  localToGlobal: Uint32Array;
  /** local id of each global id on this part, or −1 */
  localOf: Int32Array;
  state: LifState;
  arcs: number;
  weightKind: number;
  delayKind: number;
}

/**
 * Lay out part p as a local graph in the arena: masters (owner p) then replicas (endpoints of
 * p's arcs owned elsewhere), each ascending; each local source's arcs of p in global CSR order.
 * Storage kinds are drawn per part, so every delivery loop of the kernel runs on local graphs.
 */
function layOutPart(network: Network, vertexOwner: Int32Array, arcOwner: Int32Array, p: number, prng: Prng, seed: bigint): LocalPart {
  const { n, offsets, targets, weights, delays } = network;
  const isReplica = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    for (let a = offsets[v]!; a < offsets[v + 1]!; a++) {
      if (arcOwner[a] !== p) continue;
      if (vertexOwner[v] !== p) isReplica[v] = 1;
      if (vertexOwner[targets[a]!] !== p) isReplica[targets[a]!] = 1;
    }
  }
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (vertexOwner[v] === p) order.push(v);
  const masterCount = order.length;
  for (let v = 0; v < n; v++) if (isReplica[v]) order.push(v);
  const localToGlobal = Uint32Array.from(order);
  const localOf = new Int32Array(n).fill(-1);
  localToGlobal.forEach((g, l) => (localOf[g] = l));
  const local = localToGlobal.length;

  const localOffsets = new Uint32Array(local + 1);
  const localTargets: number[] = [];
  const localWeights: number[] = [];
  const localDelays: number[] = [];
  for (let l = 0; l < local; l++) {
    const g = localToGlobal[l]!;
    for (let a = offsets[g]!; a < offsets[g + 1]!; a++) {
      if (arcOwner[a] !== p) continue;
      localTargets.push(localOf[targets[a]!]!);
      localWeights.push(weights ? weights[a]! : 1);
      localDelays.push(delays[a]!);
    }
    localOffsets[l + 1] = localTargets.length;
  }
  const arcs = localTargets.length;
  const weightKind = weights ? WEIGHT_I32 : WEIGHT_UNIT;
  let lowest = Infinity;
  let highest = 0;
  for (const d of localDelays) {
    lowest = Math.min(lowest, d);
    highest = Math.max(highest, d);
  }
  let delayKind: number;
  const draw = prng.nextInt(3);
  if (lowest === highest && draw === 0) delayKind = DELAY_CONSTANT;
  else if (highest <= 0xff && draw !== 2) delayKind = DELAY_U8;
  else delayKind = DELAY_U16;
  if (arcs === 0) delayKind = DELAY_CONSTANT;

  const outOffsets = host.allocArray(Uint32Array, local + 1);
  const outTargets = host.allocArray(Uint32Array, Math.max(arcs, 1));
  const outWeights = host.allocArray(Int32Array, Math.max(arcs, 1));
  const outDelays = delayKind === DELAY_U8 ? host.allocArray(Uint8Array, Math.max(arcs, 1)) : host.allocArray(Uint16Array, Math.max(arcs, 1));
  const recordCount = network.shared ? 1 : local;
  const params = host.allocArray(Int32Array, recordCount * NEURON_STRIDE);
  const globalIds = host.allocArray(Uint32Array, Math.max(local, 1));
  host.view(Uint32Array, outOffsets, local + 1).set(localOffsets);
  host.view(Uint32Array, outTargets, arcs).set(localTargets);
  host.view(Int32Array, outWeights, arcs).set(localWeights);
  if (delayKind === DELAY_U8) host.view(Uint8Array, outDelays, arcs).set(localDelays);
  else if (delayKind === DELAY_U16) host.view(Uint16Array, outDelays, arcs).set(localDelays);
  const records = host.view(Int32Array, params, recordCount * NEURON_STRIDE);
  if (network.shared) records.set(network.records);
  else {
    for (let l = 0; l < local; l++) {
      const g = localToGlobal[l]!;
      records.set(network.records.subarray(g * NEURON_STRIDE, (g + 1) * NEURON_STRIDE), l * NEURON_STRIDE);
      // A replica's record is never read: a threshold that would make it fire every step says so.
      if (l >= masterCount) records[l * NEURON_STRIDE + NEURON_VTH] = -0x7fff_ffff;
    }
  }
  host.view(Uint32Array, globalIds, local).set(localToGlobal);
  const state = createLifState(
    host,
    {
      n: local,
      updateCount: masterCount,
      outOffsets,
      outTargets,
      outWeights,
      weightKind,
      outDelays,
      delayKind,
      constantDelay: arcs === 0 ? 1 : lowest,
      ringRows: network.maxDelay + 1,
      params,
      sharedParams: network.shared,
      globalIds,
    },
    seed,
  );
  return { masterCount, localToGlobal, localOf, state, arcs, weightKind, delayKind };
}

interface SplitRun {
  steps: number[];
  neurons: number[];
  counts: number[];
  events: number;
  spikesSent: number;
  cellsMoved: number;
  kinds: string[];
}

/**
 * Run `steps` steps on K local graphs, E steps per epoch. After each epoch: (1) every master spike
 * goes to each part holding a replica of it (lif_deliver); (2) every part hands the ring cells of
 * its replicas for the next `rows` steps (E, or all D − 1 pending ones, drawn per epoch) to the
 * masters' parts (lif_ring_take, lif_ring_add).
 */
function runSplit(network: Network, k: number, vertexOwner: Int32Array, arcOwner: Int32Array, epoch: number, steps: number, seed: bigint, prng: Prng): SplitRun {
  const kernels = host.exports;
  const mark = host.arena.mark();
  try {
    const parts = Array.from({ length: k }, (_, p) => layOutPart(network, vertexOwner, arcOwner, p, prng, seed));
    const replicaParts: number[][] = Array.from({ length: network.n }, () => []);
    parts.forEach((part, p) => {
      for (let l = part.masterCount; l < part.localToGlobal.length; l++) replicaParts[part.localToGlobal[l]!]!.push(p);
    });
    const ringRows = network.maxDelay + 1;
    const raster: Array<[number, number]> = [];
    let spikesSent = 0;
    let cellsMoved = 0;

    for (let start = 0; start < steps; start += epoch) {
      const length = Math.min(epoch, steps - start);
      const outgoing = parts.map(() => ({ ids: [] as number[], steps: [] as number[] }));
      for (const part of parts) {
        const { state } = part;
        let done = 0;
        while (done < length) {
          const got = advanceLif(host, state, start + done + 1, Math.min(length - done, state.stepCapacity), (local) => part.localToGlobal[local]!);
          const ids = host.view(Uint32Array, state.spikeIds, state.spikeCapacity);
          const counts = host.view(Uint32Array, state.stepSpikes, state.stepCapacity);
          let offset = 0;
          for (let s = 0; s < got; s++) {
            const step = start + done + s + 1;
            for (let j = 0; j < counts[s]!; j++) {
              const local = ids[offset + j]!;
              expect(local).toBeLessThan(part.masterCount);
              const g = part.localToGlobal[local]!;
              raster.push([step, g]);
              for (const q of replicaParts[g]!) {
                outgoing[q]!.ids.push(parts[q]!.localOf[g]!);
                outgoing[q]!.steps.push(step);
              }
            }
            offset += counts[s]!;
          }
          done += got;
        }
      }
      // (1) spikes to the replicas, which push them along their local out-arcs
      parts.forEach((part, q) => {
        const { ids, steps: spikeSteps } = outgoing[q]!;
        if (ids.length === 0) return;
        const scratch = host.arena.mark();
        const idRegion = host.allocArray(Uint32Array, ids.length);
        const stepRegion = host.allocArray(Uint32Array, ids.length);
        host.view(Uint32Array, idRegion, ids.length).set(ids);
        host.view(Uint32Array, stepRegion, ids.length).set(spikeSteps);
        kernels.lif_deliver!(part.state.control, idRegion, stepRegion, ids.length);
        host.arena.release(scratch);
        spikesSent += ids.length;
      });
      // (2) arrivals collected at replica targets, to their masters
      const firstStep = start + length + 1;
      const rows = Math.min(prng.nextInt(2) === 0 ? epoch : ringRows - 1, ringRows);
      const incoming = parts.map(() => ({ list: [] as number[], values: [] as bigint[] }));
      for (const part of parts) {
        const replicas = part.localToGlobal.length - part.masterCount;
        if (replicas === 0 || rows === 0) continue;
        const scratch = host.arena.mark();
        const list = host.allocArray(Uint32Array, replicas);
        const out = host.allocArray(BigInt64Array, replicas * rows);
        host.view(Uint32Array, list, replicas).set(Array.from({ length: replicas }, (_, i) => part.masterCount + i));
        expect(kernels.lif_ring_take!(part.state.control, firstStep, rows, list, replicas, out)).toBe(replicas * rows);
        const taken = host.view(BigInt64Array, out, replicas * rows).slice();
        host.arena.release(scratch);
        for (let i = 0; i < replicas; i++) {
          const g = part.localToGlobal[part.masterCount + i]!;
          const master = vertexOwner[g]!;
          incoming[master]!.list.push(parts[master]!.localOf[g]!);
          for (let r = 0; r < rows; r++) incoming[master]!.values.push(taken[i * rows + r]!);
        }
        cellsMoved += replicas * rows;
      }
      parts.forEach((part, p) => {
        const { list, values } = incoming[p]!;
        if (list.length === 0) return;
        const scratch = host.arena.mark();
        const listRegion = host.allocArray(Uint32Array, list.length);
        const input = host.allocArray(BigInt64Array, values.length);
        host.view(Uint32Array, listRegion, list.length).set(list);
        host.view(BigInt64Array, input, values.length).set(values);
        kernels.lif_ring_add!(part.state.control, firstStep, rows, listRegion, list.length, input);
        host.arena.release(scratch);
      });
    }

    raster.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const counts = new Array<number>(network.n).fill(0);
    let events = 0;
    for (const part of parts) {
      const local = part.localToGlobal.length;
      const spikeCounts = host.view(Int32Array, part.state.spikeCounts, local);
      for (let l = 0; l < local; l++) {
        if (l < part.masterCount) counts[part.localToGlobal[l]!] = spikeCounts[l]!;
        else expect(spikeCounts[l], 'a replica never spikes').toBe(0);
      }
      events += lifSynapticEvents(host, part.state);
    }
    return {
      steps: raster.map((entry) => entry[0]),
      neurons: raster.map((entry) => entry[1]),
      counts,
      events,
      spikesSent,
      cellsMoved,
      kinds: parts.filter((part) => part.arcs > 0).map((part) => `${part.weightKind}/${part.delayKind}`),
    };
  } finally {
    host.arena.release(mark);
  }
}

function reference(graph: NeuromorphicGraph, steps: number, seed: bigint) {
  const result = runLif(graph, { steps, seed, recordSpikes: true });
  return {
    steps: Array.from(result.spikes!.steps),
    neurons: Array.from(result.spikes!.neurons),
    counts: Array.from(result.values as Int32Array),
    events: result.synapticEvents!,
  };
}

/** A corner value with some probability, else a uniform draw in [low, high]. */
function pick(prng: Prng, corners: number[], low: number, high: number): number {
  return prng.nextFloat() < 0.3 ? corners[prng.nextInt(corners.length)]! : low + prng.nextInt(high - low + 1);
}

function randomNetwork(prng: Prng, index: number): ArcArrays {
  const n = 1 + prng.nextInt(30);
  const m = prng.nextInt(5 * n + 1);
  const src = Array.from({ length: m }, () => prng.nextInt(n));
  const dst = src.map((s) => (prng.nextFloat() < 0.1 ? s : prng.nextInt(n)));
  const unit = index % 4 === 0;
  const weights = unit ? undefined : src.map(() => prng.nextInt(9001) - 3500);
  // the smallest delay bounds the epoch: draw it, so that epochs of several steps come up
  const minDelay = 1 + prng.nextInt(4);
  const maxDelay = minDelay + prng.nextInt(index % 7 === 6 ? 300 : 5);
  const delays = src.map(() => minDelay + prng.nextInt(maxDelay - minDelay + 1));
  const shared = index % 5 === 4;
  const column = (make: () => number): number[] => {
    if (!shared) return Array.from({ length: n }, make);
    return new Array<number>(n).fill(make());
  };
  const noisy = index % 3 !== 1;
  const neurons = {
    du: column(() => pick(prng, [0, 4096, 1024], 0, 4096)),
    dv: column(() => pick(prng, [0, 4096, 256], 0, 4096)),
    vth: column(() => pick(prng, [0, -1, 2000], -500, 4000)),
    bias: column(() => pick(prng, [0, -300, 900], -300, 1500)),
    refractory: column(() => pick(prng, [0, 1], 0, 6)),
    noise: column(() => (noisy ? pick(prng, [0, 1, 3000], 0, 2500) : 0)),
  };
  return { n, src, dst, weights, delays, neurons };
}

/** Owners: a random vertex owner, and arcs anywhere (vertex cut), or on the target's or source's owner. */
function owners(prng: Prng, graph: Network, k: number, mode: number): { vertexOwner: Int32Array; arcOwner: Int32Array } {
  const vertexOwner = Int32Array.from({ length: graph.n }, () => prng.nextInt(k));
  const arcOwner = new Int32Array(graph.targets.length);
  for (let v = 0; v < graph.n; v++) {
    for (let a = graph.offsets[v]!; a < graph.offsets[v + 1]!; a++) {
      arcOwner[a] = mode === 0 ? prng.nextInt(k) : mode === 1 ? vertexOwner[graph.targets[a]!]! : vertexOwner[v]!;
    }
  }
  return { vertexOwner, arcOwner };
}

describe('LIF on local graphs (issue 4): K parts, exchanges by hand, equal to runLif', () => {
  it('gives runLif raster, counts and events bit for bit on 240 random networks, K = 1 .. 6', () => {
    const prng = new Prng(20261128);
    const kinds = new Set<string>();
    const epochs = new Set<string>();
    let spikes = 0;
    let delivered = 0;
    let moved = 0;
    for (let index = 0; index < 240; index++) {
      const mark = host.arena.mark();
      const input = randomNetwork(prng, index);
      const graph = buildGraph(host, input, { inArcs: false });
      const network = networkOf(graph);
      const steps = 40 + prng.nextInt(120);
      const seed = BigInt(prng.nextU32()) * 2n ** 32n + BigInt(prng.nextU32());
      const expected = reference(graph, steps, seed);
      const k = 1 + (index % 6);
      // arcs anywhere most of the time; edge-cut (target's owner) and source's owner sometimes
      const mode = index % 5 < 3 ? 0 : index % 5 === 3 ? 1 : 2;
      const { vertexOwner, arcOwner } = owners(prng, network, k, mode);
      const minDelay = network.minDelay === Infinity ? 1 : network.minDelay;
      const choice = index % 3;
      const epoch = choice === 0 ? 1 : choice === 1 ? minDelay : 1 + prng.nextInt(minDelay);
      epochs.add(epoch === 1 ? 'one' : epoch === minDelay ? 'min delay' : 'between');
      const split = runSplit(network, k, vertexOwner, arcOwner, epoch, steps, seed, prng);
      host.arena.release(mark);
      expect({ steps: split.steps, neurons: split.neurons }, `case ${index}`).toEqual({ steps: expected.steps, neurons: expected.neurons });
      expect(split.counts, `case ${index}`).toEqual(expected.counts);
      expect(split.events, `case ${index}`).toBe(expected.events);
      split.kinds.forEach((kind) => kinds.add(kind));
      spikes += expected.steps.length;
      delivered += split.spikesSent;
      moved += split.cellsMoved;
    }
    // every local storage kind ran, the networks spiked, and both exchanges carried traffic
    for (const w of [WEIGHT_UNIT, WEIGHT_I32]) for (const d of [DELAY_CONSTANT, DELAY_U8, DELAY_U16]) expect(kinds).toContain(`${w}/${d}`);
    expect([...epochs].sort()).toEqual(['between', 'min delay', 'one']);
    expect(spikes).toBeGreaterThan(20_000);
    expect(delivered).toBeGreaterThan(10_000);
    expect(moved).toBeGreaterThan(10_000);
  });

  it('the CUBA network (Brette 2007 style, noise on) split 3 and 4 ways: same raster at E = 1 and at E = min delay', () => {
    for (const [k, delay, neurons, steps] of [
      [3, 1, 4000, 700],
      [4, 3, 1500, 700],
    ] as const) {
      const mark = host.arena.mark();
      const graph = buildGraph(host, generateCuba({ n: neurons, delay, seed: 41 + k }), { trusted: true, inArcs: false });
      const network = networkOf(graph);
      const seed = 99n + BigInt(k);
      const expected = reference(graph, steps, seed);
      const prng = new Prng(k);
      const { vertexOwner, arcOwner } = owners(prng, network, k, 0);
      for (const epoch of new Set([1, network.minDelay])) {
        const split = runSplit(network, k, vertexOwner, arcOwner, epoch, steps, seed, prng);
        expect(split.neurons.length, `k ${k}, E ${epoch}`).toBe(expected.neurons.length);
        expect(split.steps).toEqual(expected.steps);
        expect(split.neurons).toEqual(expected.neurons);
        expect(split.counts).toEqual(expected.counts);
        expect(split.events).toBe(expected.events);
      }
      host.arena.release(mark);
      // the run is past its synchronous start: a good share of the neurons fired
      expect(expected.counts.filter((c) => c > 0).length).toBeGreaterThan(neurons / 4);
    }
  });

  it('lif_ring_take hands out and zeroes exactly the cells asked for; lif_ring_add adds them back; lif_deliver lands in (step + d) mod D', () => {
    // A hand-laid ring of D = 5 rows over n = 3 local ids, cell (row, id) = 10 · row + id + 1.
    const mark = host.arena.mark();
    try {
      const network: Network = {
        n: 3,
        offsets: new Uint32Array([0, 1, 1, 1]),
        targets: new Uint32Array([2]),
        weights: new Int32Array([-7]),
        delays: new Uint16Array([4]),
        records: Int32Array.from(NEURON_FIELDS.map((field) => NEURON_DEFAULTS[field])),
        shared: true,
        maxDelay: 4,
        minDelay: 4,
      };
      const part = layOutPart(network, new Int32Array([0, 0, 0]), new Int32Array([0]), 0, new Prng(1), 0n);
      const ring = () => host.view(BigInt64Array, part.state.ring, 5 * 3);
      ring().set(Array.from({ length: 15 }, (_, cell) => BigInt(10 * Math.floor(cell / 3) + (cell % 3) + 1)));
      const list = host.allocArray(Uint32Array, 2);
      const out = host.allocArray(BigInt64Array, 6);
      host.view(Uint32Array, list, 2).set([2, 0]);
      // steps 8, 9, 10 = rows 3, 4, 0 (wrapping); out is row-major per list entry
      expect(host.exports.lif_ring_take!(part.state.control, 8, 3, list, 2, out)).toBe(6);
      expect(Array.from(host.view(BigInt64Array, out, 6))).toEqual([33n, 43n, 3n, 31n, 41n, 1n]);
      expect(Array.from(ring())).toEqual([0n, 2n, 0n, 11n, 12n, 13n, 21n, 22n, 23n, 0n, 32n, 0n, 0n, 42n, 0n]);
      host.view(BigInt64Array, out, 6).set([1n, -2n, 3n, 4n, 5n, -6n]);
      expect(host.exports.lif_ring_add!(part.state.control, 8, 3, list, 2, out)).toBe(6);
      expect(Array.from(ring())).toEqual([-6n, 2n, 3n, 11n, 12n, 13n, 21n, 22n, 23n, 4n, 32n, 1n, 5n, 42n, -2n]);
      // neuron 0 fired at step 6: its arc (delay 4, weight −7) lands in row (6 + 4) mod 5 = 0, at id 2;
      // neuron 1 has no local out-arcs
      const ids = host.allocArray(Uint32Array, 2);
      const firedAt = host.allocArray(Uint32Array, 2);
      host.view(Uint32Array, ids, 2).set([0, 1]);
      host.view(Uint32Array, firedAt, 2).set([6, 6]);
      expect(host.exports.lif_deliver!(part.state.control, ids, firedAt, 2)).toBe(1);
      expect(ring()[0 * 3 + 2]).toBe(3n - 7n);
      expect(lifSynapticEvents(host, part.state)).toBe(1);
      // a step near 2^32: row ((step mod D) + d) mod D = (4 + 4) mod 5 = 3, not (step + d wrapped) mod 5 = 2
      host.view(Uint32Array, firedAt, 1).set([0xffff_fffe]);
      host.exports.lif_deliver!(part.state.control, ids, firedAt, 1);
      expect(ring()[3 * 3 + 2]).toBe(1n - 7n);
      expect(ring()[2 * 3 + 2]).toBe(23n);
      expect(lifSynapticEvents(host, part.state)).toBe(2);
    } finally {
      host.arena.release(mark);
    }
  });
});
