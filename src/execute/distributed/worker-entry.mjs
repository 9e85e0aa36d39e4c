// Development entry for worker threads when the library runs from its TypeScript sources (tests,
// `node --import tsx`): Node 20 cannot start a Worker on a .ts file, so register tsx, then load it.
// The built library (dist/) points piscina at dist/execute/distributed/worker.js instead.
import { register } from 'tsx/esm/api';

register();
const { runPartitions } = await import('./worker.ts');
export default runPartitions;
