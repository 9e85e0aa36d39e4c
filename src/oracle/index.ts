/** Plain TypeScript oracles for the graph kernels (the LIF oracle lives in ./lif.ts). */
export { exactSumOracle, fromUnits, toUnits } from './exactsum.js';
export { pagerankNaive, pagerankOracle, type OracleArcs, type PagerankOracleOptions, type PagerankOracleResult } from './pagerank.js';
export { bfsOracle } from './bfs.js';
export { ssspOracle } from './sssp.js';
export { wccOracle } from './wcc.js';
