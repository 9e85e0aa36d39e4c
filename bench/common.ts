/**
 * Shared pieces of the benchmark suite: the machine description saved with every result, the
 * results folder, a tinybench wrapper that turns samples into one figure, and formatting.
 *
 * Every stage file (bench/pagerank.ts, bench/lif.ts, bench/load.ts) exports `run(options)`, saves
 * `bench/results/<stage>.json` and returns its headline numbers to bench/run.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';

export interface StageOptions {
  /** smaller inputs and fewer samples: a smoke run of the whole suite in a few seconds */
  quick: boolean;
}

export interface Headline {
  /** what is measured, e.g. "PageRank superstep, WebAssembly" */
  label: string;
  value: number;
  unit: string;
  /** the goal for this figure, as text ("≥ 0.8"), when it has one */
  goal?: string;
  /** whether the goal is met (undefined when there is no goal or the figure was skipped) */
  met?: boolean;
}

export interface StageResult {
  stage: string;
  headlines: Headline[];
}

export const RESULTS = new URL('./results/', import.meta.url);

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    // 1, 5 and 15 minute load averages when the result was saved: above the core count, other
    // processes were competing for the cores and the figures are pessimistic.
    loadAverage: os.loadavg(),
    date: new Date().toISOString(),
  };
}

/** Write bench/results/<stage>.json with the machine description first. */
export function save(stage: string, options: StageOptions, body: Record<string, unknown>): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = new URL(`${stage}${options.quick ? '.quick' : ''}.json`, RESULTS);
  writeFileSync(file, JSON.stringify({ stage, quick: options.quick, machine: machine(), ...body }, null, 2) + '\n');
  return file.pathname;
}

export interface Timing {
  /** median sample in milliseconds */
  medianMs: number;
  minMs: number;
  meanMs: number;
  samples: number;
}

/**
 * Time `task` with tinybench: `warmup` unmeasured calls, then `samples` measured ones. A task may
 * return a number of milliseconds to use instead of its measured wall time (tinybench's
 * `overriddenDuration`), for tasks that time their own inner part (one superstep of a run).
 */
export async function measure(name: string, task: () => unknown, samples: number, warmup = 1): Promise<Timing> {
  const bench = new Bench({ name, iterations: samples, time: 0, warmupIterations: warmup, warmupTime: 0, throws: true });
  bench.add(name, async () => {
    const inner = await task();
    return typeof inner === 'number' ? { overriddenDuration: inner } : undefined;
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`benchmark ${name} did not complete: ${result.state}`);
  return { medianMs: result.latency.p50, minMs: result.latency.min, meanMs: result.latency.mean, samples: result.latency.samplesCount };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** 1234567 -> "1.23e6"-style engineering text for headlines: "1.23 M". */
export function si(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const units = ['', 'k', 'M', 'G', 'T'];
  let index = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1000 && index < units.length - 1) {
    scaled /= 1000;
    index++;
  }
  return `${scaled.toPrecision(digits)} ${units[index]}`.trimEnd();
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
