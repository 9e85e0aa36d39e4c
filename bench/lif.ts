/**
 * Stage b: integer LIF simulation speed, one core.
 *
 *   - Brunel 2000 balanced network, 12,500 neurons (NE = 10,000, NI = 2,500, ε = 0.1: 1,250
 *     synapses into every neuron, 15.6M synapses, delay 1.5 ms): synaptic events per second
 *     (every spike times its out-degree, as the run counts them) over the run's wall time.
 *   - Brette 2007 CUBA network, 4,000 neurons, p = 0.02: real-time factor = wall time / simulated
 *     time, for 1 s simulated = 10,000 steps of 0.1 ms (below 1 is faster than real time).
 *   - bytes per synapse of the Brunel graph as a LIF run holds it (out-arcs only, no CSC; goal ≤ 8),
 *     not counting the arrays held per neuron (offsets, neuron table), which are reported beside it.
 * Each run is warmed up with a short run first (kernel tiers, page faults of its state).
 * With --quick: Brunel at scale 0.2 (2,500 neurons, 625k synapses) and 1,000 CUBA steps.
 */
import { createHostSync } from '../src/index.js';
import { buildGraph, type NeuromorphicGraph } from '../src/input/graph.js';
import { NEURON_STRIDE } from '../src/memory/layout.js';
import { generateBrunel } from '../src/generate/brunel.js';
import { generateCuba } from '../src/generate/cuba.js';
import { runAlgorithm } from '../src/execute/single.js';
import type { AlgorithmResult } from '../src/execute/types.js';
import { log, measure, save, si, type StageOptions, type StageResult } from './common.js';

const SEED = 20261128;
const STEP_MS = 0.1;

function simulate(graph: NeuromorphicGraph, steps: number): AlgorithmResult {
  return runAlgorithm(graph, 'lif', { steps, seed: SEED });
}

export async function run(options: StageOptions): Promise<StageResult> {
  const brunelScale = options.quick ? 0.2 : 1;
  const brunelSteps = options.quick ? 500 : 2000;
  const cubaSteps = options.quick ? 1000 : 10_000;
  const samples = options.quick ? 2 : 3;
  const host = createHostSync({ initialBytes: options.quick ? 64 << 20 : 256 << 20 });

  log(`LIF: Brunel network (scale ${brunelScale}, ${brunelSteps} steps x ${samples} runs)`);
  let started = performance.now();
  const brunelArcs = generateBrunel({ scale: brunelScale, seed: SEED });
  // As `neuromesh run --algo lif` loads it: LIF pushes along out-arcs only, so no CSC.
  const brunel = buildGraph(host, brunelArcs, { trusted: true, inArcs: false });
  log(`  n = ${brunel.n}, m = ${brunel.m} synapses (generated and built in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  simulate(brunel, 100);
  let last: AlgorithmResult | undefined;
  const brunelTiming = await measure('brunel', () => {
    last = simulate(brunel, brunelSteps);
    return last.wallMs;
  }, samples, 0);
  const events = last!.synapticEvents ?? 0;
  const spikes = Int32Array.from(last!.values as Int32Array).reduce((sum, count) => sum + count, 0);
  const eventsPerSecond = events / (brunelTiming.medianMs / 1000);
  const rateHz = spikes / brunel.n / ((brunelSteps * STEP_MS) / 1000);
  const brunelMemory = brunel.memoryBytes();
  // Per synapse = everything held minus what is held per neuron (CSR offsets, the neuron table).
  const perNeuronBytes = (brunel.n + 1) * 4 * (brunel.hasInArcs ? 2 : 1) + (brunel.hasNeuronTable ? brunel.n * NEURON_STRIDE * 4 : 0) + (brunel.vertexIds?.byteLength ?? 0);
  const bytesPerSynapse = (brunelMemory.total - perNeuronBytes) / brunel.m;
  log(`  ${si(eventsPerSecond)}synaptic events/s (${si(events)}events, ${spikes} spikes = ${rateHz.toFixed(1)} Hz mean rate, median run ${brunelTiming.medianMs.toFixed(0)} ms)`);
  log(`  ${bytesPerSynapse.toFixed(2)} B per synapse (${brunelMemory.perArc.toFixed(3)} B/synapse with the per-neuron arrays; shared ${brunelMemory.shared} B, heap ${brunelMemory.heap} B)`);

  log(`LIF: CUBA network (${cubaSteps} steps = ${(cubaSteps * STEP_MS) / 1000} s simulated x ${samples} runs)`);
  started = performance.now();
  const cuba = buildGraph(host, generateCuba({ seed: SEED }), { trusted: true, inArcs: false });
  log(`  n = ${cuba.n}, m = ${cuba.m} synapses (generated and built in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  simulate(cuba, 200);
  let cubaLast: AlgorithmResult | undefined;
  const cubaTiming = await measure('cuba', () => {
    cubaLast = simulate(cuba, cubaSteps);
    return cubaLast.wallMs;
  }, samples, 0);
  const simulatedMs = cubaSteps * STEP_MS;
  const realTimeFactor = cubaTiming.medianMs / simulatedMs;
  const cubaSpikes = Int32Array.from(cubaLast!.values as Int32Array).reduce((sum, count) => sum + count, 0);
  const cubaRateHz = cubaSpikes / cuba.n / (simulatedMs / 1000);
  const cubaEventsPerSecond = (cubaLast!.synapticEvents ?? 0) / (cubaTiming.medianMs / 1000);
  log(`  real-time factor ${realTimeFactor.toFixed(3)} (median ${cubaTiming.medianMs.toFixed(0)} ms for ${simulatedMs} ms simulated; ${cubaRateHz.toFixed(1)} Hz mean rate; ${si(cubaEventsPerSecond)}events/s)`);

  const file = save('lif', options, {
    brunel: {
      generator: 'generateBrunel (Brunel 2000 model A, integer LIF)',
      scale: brunelScale,
      seed: SEED,
      parameters: brunelArcs.parameters,
      n: brunel.n,
      synapses: brunel.m,
      steps: brunelSteps,
      runs: brunelTiming.samples,
      medianRunMs: brunelTiming.medianMs,
      minRunMs: brunelTiming.minMs,
      spikes,
      meanRateHz: rateHz,
      synapticEvents: events,
      synapticEventsPerSecondPerCore: eventsPerSecond,
      memory: brunelMemory,
      inArcs: brunel.hasInArcs,
      bytesPerSynapse,
      bytesPerSynapseWithPerNeuronArrays: brunelMemory.perArc,
    },
    cuba: {
      generator: 'generateCuba (Brette 2007 benchmark 2, integer LIF)',
      seed: SEED,
      n: cuba.n,
      synapses: cuba.m,
      steps: cubaSteps,
      stepMs: STEP_MS,
      simulatedMs,
      runs: cubaTiming.samples,
      medianRunMs: cubaTiming.medianMs,
      realTimeFactor,
      spikes: cubaSpikes,
      meanRateHz: cubaRateHz,
      synapticEventsPerSecond: cubaEventsPerSecond,
    },
    goals: { synapticEventsPerSecondPerCore: 1e8, bytesPerSynapse: 8 },
  });
  log(`  -> ${file}`);
  return {
    stage: 'lif',
    headlines: [
      { label: `LIF synaptic events/s per core (Brunel, ${brunel.n} neurons)`, value: eventsPerSecond, unit: 'events/s', goal: '≥ 1e8', met: eventsPerSecond >= 1e8 },
      { label: `LIF CUBA real-time factor (${cuba.n} neurons, wall / simulated)`, value: realTimeFactor, unit: '×' },
      { label: `LIF bytes per synapse (Brunel; ${brunelMemory.perArc.toFixed(3)} with per-neuron arrays)`, value: bytesPerSynapse, unit: 'B/synapse', goal: '≤ 8', met: bytesPerSynapse <= 8 },
    ],
  };
}
