/**
 * The `neuromesh` command line (DESIGN.md "Command line" is the contract scripts rely on).
 *
 *   neuromesh run <graph> --algo pagerank|bfs|sssp|wcc|lif [options]
 *   neuromesh info <graph> [--json]
 *   neuromesh generate rmat|er|brunel|cuba [options] --out FILE
 *   neuromesh partition <graph> -k K [--strategy ...] [--algo ...] [--balance ...] [--out FILE] ...
 *
 * Exit codes: 0 success; 2 bad options or bad input (one line on stderr naming the option, or the
 * file, line and field); 1 a run that failed (simulation overflow, memory). A stack trace is
 * printed only with --debug. stdout carries results only; progress goes to stderr on a terminal.
 *
 * `main` takes its arguments and output functions as parameters so tests can run it in-process;
 * bin/neuromesh.mjs (built JavaScript) and `node --import tsx src/cli/main.ts` both call it.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { InputError, NeuromeshError, OptionsError } from '../errors.js';
import { loadGraph } from '../input/load.js';
import { loadKernelModuleSync } from '../platform/node.js';
import { WasmHost } from '../memory/host.js';
import { formatInfo, graphInfo } from './info.js';
import { generateCommand, type GenerateFlags } from './generate.js';
import { partitionCommand, type PartitionFlags } from './partition.js';
import { progressBar } from './progress.js';
import { runCommand, type CliIo, type RunFlags } from './run.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function defaultIo(): CliIo {
  // `neuromesh info big.el | head -3`: a reader that stops early closes the pipe; that is not an
  // error of ours, so end quietly instead of dying with an unhandled EPIPE.
  process.stdout.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/** The package version (package.json sits two levels up from both src/cli and dist/cli). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function buildProgram(io: CliIo, host: () => WasmHost): Command {
  const program = new Command('neuromesh');
  program
    .version(packageVersion(), '-V, --version')
    .description('Graph algorithms and integer LIF simulation on neuromorphic graphs, in WebAssembly on shared memory.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .showSuggestionAfterError(false)
    .option('--debug', 'print a stack trace with errors');

  program
    .command('run')
    .description('run an algorithm on a graph file')
    .argument('<graph>', 'graph file: .el, .el.gz, .mtx(.gz), .graph(.gz) or .nmg')
    .requiredOption('--algo <name>', 'pagerank | bfs | sssp | wcc | lif')
    .option('--workers <P>', 'number of workers, one partition each (default 1)')
    .option('--threads <T>', 'threads the workers run on (default: one per worker, up to the cores)')
    .option('--strategy <name>', 'auto | edge-cut | vertex-cut | hybrid (default auto)')
    .option('--source <V>', 'bfs, sssp: source vertex id (default 0)')
    .option('--iterations <N>', 'pagerank: the most iterations (default 100)')
    .option('--tolerance <X>', 'pagerank: stop when the L1 change is below X (default 1e-12)')
    .option('--steps <T>', 'lif: steps to simulate (default 1000)')
    .option('--neurons <FILE>', 'neuron table (CSV/TSV) for lif')
    .option('--spikes <FILE>', 'lif: write every spike as a "step neuron" line')
    .option('--seed <S>', 'seed (lif noise)')
    .option('--out <FILE>', 'write the values as JSON')
    .option('--stats <FILE>', 'write execution statistics as JSON')
    .option('--comm <mode>', 'optimized | batched | naive: which accounting the bytes and messages report (stats.communication has all three)')
    .option('--transport <kind>', 'shared | frames | ports: frames encode every batch as its NMF1 frame and decode it on the other side; ports post each frame to the receiving thread over a MessagePort')
    .option('--hosts <GROUPS>', 'simulated hosts as worker groups, e.g. 0,1/2,3 (network links between groups)')
    .option('--checkpoint-dir <DIR>', 'write checkpoints to DIR (temporary file, fsync, rename; the last 2 kept)')
    .option('--checkpoint-interval <N>', 'auto (Young/Daly from the measured cost and failures; default) or N supersteps')
    .option('--resume <DIR>', 'continue the run whose checkpoints DIR holds (same graph and options), e.g. after kill -9')
    .option('--chaos <SEED[:COUNT]>', 'inject COUNT seeded worker failures (default 1) and recover from them')
    .option('--debug', 'print a stack trace with errors')
    .action(async (graph: string, flags: RunFlags) => runCommand(host(), graph, flags, io));

  program
    .command('info')
    .description('print what a graph holds: size, degrees, self-loops, weights, memory')
    .argument('<graph>', 'graph file')
    .option('--json', 'print JSON instead of text')
    .option('--neurons <FILE>', 'neuron table to load with the graph')
    .option('--debug', 'print a stack trace with errors')
    .action((path: string, flags: { json?: boolean; neurons?: string }) => {
      const bar = progressBar('loading', io.stderrIsTTY);
      const start = performance.now();
      let graph;
      try {
        graph = loadGraph(host(), path, { neurons: flags.neurons, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      const info = { ...graphInfo(graph), file: path, loadMs: performance.now() - start };
      io.stdout(flags.json ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info));
    });

  program
    .command('generate')
    .description('write a seeded synthetic graph or spiking network')
    .argument('<kind>', 'rmat | er | brunel | cuba')
    .requiredOption('--out <FILE>', 'output: .el, .el.gz or .nmg')
    .option('--seed <S>', 'seed (default 0)')
    .option('--scale <S>', 'rmat: n = 2^S; brunel: population multiplier')
    .option('--edge-factor <K>', 'rmat: arcs per vertex (default 16)')
    .option('--a <P>', 'rmat: quadrant probability a (default 0.57)')
    .option('--b <P>', 'rmat: quadrant probability b (default 0.19)')
    .option('--c <P>', 'rmat: quadrant probability c (default 0.19)')
    .option('--no-permute', 'rmat: keep the generator\'s vertex ids')
    .option('--weights <kind>', 'rmat, er: unit | int | real (default unit)')
    .option('--n <N>', 'er: vertices; cuba: neurons (default 4000)')
    .option('--p <P>', 'er: arc probability, G(n, p); cuba: connection probability (default 0.02)')
    .option('--m <M>', 'er: number of arcs, G(n, m)')
    .option('--ne <N>', 'brunel: excitatory neurons')
    .option('--ni <N>', 'brunel: inhibitory neurons')
    .option('--epsilon <P>', 'brunel: connection probability')
    .option('--g <G>', 'brunel: relative inhibition')
    .option('--j <J>', 'brunel: excitatory weight')
    .option('--delay <D>', 'brunel, cuba: synaptic delay in steps')
    .option('--eta <X>', 'brunel: external rate relative to threshold')
    .option('--noise <A>', 'cuba: noise amplitude per step')
    .option('--debug', 'print a stack trace with errors')
    .action((kind: string, flags: GenerateFlags) => generateCommand(host(), kind, flags, io));

  program
    .command('partition')
    .description('partition a graph for an algorithm and print the quality figures')
    .argument('<graph>', 'graph file')
    .requiredOption('-k, --k <K>', 'number of partitions (workers)')
    .option('--strategy <name>', 'auto | edge-cut | vertex-cut | hybrid (default auto)')
    .option('--algo <name>', 'pagerank | bfs | sssp | wcc | lif: the algorithm the partition is for (default pagerank)')
    .option('--balance <what>', 'load | vertices | arcs (default load: the algorithm\'s load model)')
    .option('--imbalance <X>', 'allowed max part load / mean - 1 (default 0.03)')
    .option('--seed <S>', 'seed (default 1)')
    .option('--out <FILE>', 'write the quality figures as JSON')
    .option('--assignment <FILE>', 'write { vertexOwner, arcOwner } as JSON, arcs in input order')
    .option('--metadata <FILE>', 'save the partition as a .nmp metadata file')
    .option('--debug', 'print a stack trace with errors')
    .action(async (path: string, flags: PartitionFlags) => partitionCommand(host(), path, flags, io));

  return program;
}

/** One line: the message without line breaks. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Run the CLI on `args` (without node and script paths); returns the exit code. */
export async function main(args: string[], io: CliIo = defaultIo()): Promise<number> {
  const debug = args.includes('--debug');
  let cachedHost: WasmHost | undefined;
  const host = () => (cachedHost ??= new WasmHost(loadKernelModuleSync()));
  const program = buildProgram(io, host);
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT_OK;
      // Commander's own messages name the option ("error: unknown option '--foo'").
      io.stderr(`neuromesh: ${oneLine(error.message.replace(/^error:\s*/, ''))}\n`);
      return EXIT_USAGE;
    }
    const usage = error instanceof InputError || error instanceof OptionsError;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`neuromesh: ${oneLine(message)}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else if (!(error instanceof NeuromeshError) && !debug) {
      // Not one of ours: a bug. Say how to get the details rather than dumping them.
      io.stderr('neuromesh: (internal error; run with --debug for a stack trace)\n');
    }
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

// Run when executed directly (`node --import tsx src/cli/main.ts ...` or `node dist/cli/main.js`),
// not when imported by bin/neuromesh.mjs or by tests.
const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(safeRealpath(invoked)).href) {
  process.exitCode = await main(process.argv.slice(2));
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
