/**
 * Platform seam for the port transport (src/exchange/router.ts, `transport: 'ports'`), Node side:
 * a receiving thread takes frames off its MessagePorts synchronously, between a barrier and the
 * program's next read, which only worker_threads' `receiveMessageOnPort` allows. Kept apart from
 * node.ts so that worker threads do not load the pool (piscina) to get it. Browsers have no such
 * call: there the router refuses the transport with a TransportError.
 */
import { receiveMessageOnPort, type MessagePort as NodeMessagePort } from 'node:worker_threads';

/** The next message waiting on `port`, or undefined when none is queued (never blocks). */
export function receiveMessageSync(port: MessagePort): { message: unknown } | undefined {
  return receiveMessageOnPort(port as unknown as NodeMessagePort);
}
