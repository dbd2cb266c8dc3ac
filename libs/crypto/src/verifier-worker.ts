/**
 * Worker side of VerifierPool: verifies chunks of items and posts back one byte per item.
 * Kept trivial on purpose: all policy (limits, timeouts, ordering) lives in the pool.
 */
import { parentPort } from 'node:worker_threads';
import { verifySignature } from './signatures.ts';
import type { VerifyItem } from './verifier-pool.ts';

interface ChunkRequest {
  taskId: number;
  items: VerifyItem[];
}

if (!parentPort) throw new Error('verifier-worker.ts must run as a worker thread');
const port = parentPort;

port.on('message', (request: ChunkRequest) => {
  const results = new Uint8Array(request.items.length);
  for (let i = 0; i < request.items.length; i++) {
    const item = request.items[i]!;
    results[i] = verifySignature(item.alg, item.publicKey, item.message, item.sig) ? 1 : 0;
  }
  port.postMessage({ taskId: request.taskId, results }, [results.buffer]);
});
port.postMessage({ ready: true });
