// A worker for test/exchange/frame.test.ts: receives a frame as a posted Uint8Array (structured
// clone or transfer), decodes it here with the receiver's expectation, and answers with a frame
// of its own built from what it decoded (values negated, ids kept, workers swapped), so that the
// test can check both directions. It runs the TypeScript sources through tsx's loader API:
// `--import tsx` in a worker's execArgv does not reach the worker's loader on Node 20.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { decodeFrame, encodeFrame } = await import('../../src/exchange/frame.ts');

parentPort.on('message', ({ bytes, expect }) => {
  try {
    const frame = decodeFrame(bytes, expect);
    const batches = frame.batches.map((batch) => {
      if (batch.kind === 'values-f64' || batch.kind === 'values-i32') return { ...batch, values: batch.values.map((value) => -value) };
      return batch;
    });
    const answer = encodeFrame(
      { ...frame, sourceWorker: frame.destinationWorker, destinationWorker: frame.sourceWorker },
      batches,
    );
    parentPort.postMessage({ answer, aligned: bytes.byteOffset % 8 === 0, batches: frame.batches.length }, [answer.buffer]);
  } catch (error) {
    parentPort.postMessage({ error: typeof error?.toJSON === 'function' ? error.toJSON() : { name: 'Error', code: 'E_INTERNAL', message: String(error), details: {} } });
  }
});
