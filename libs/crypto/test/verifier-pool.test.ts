import { afterAll, describe, expect, it } from 'vitest';
import {
  VerifierPool,
  VerifierPoolClosedError,
  VerifierPoolSaturatedError,
  VerifierPoolTimeoutError,
  canonicalBytes,
  generateKeyPair,
  signCommand,
  type VerifyItem,
} from '../src/index.ts';

function makeItems(count: number): { items: VerifyItem[]; expected: boolean[] } {
  const keys = { ed25519: generateKeyPair('ed25519'), sm2: generateKeyPair('sm2') };
  const items: VerifyItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const alg = i % 2 === 0 ? 'ed25519' : 'sm2';
    const { privateKey, publicKey } = keys[alg];
    const valid = i % 5 !== 3;
    const command = { i };
    items.push({ alg, publicKey: publicKey.raw, message: canonicalBytes(valid ? command : { i: -i - 1 }), sig: signCommand(command, privateKey).sig });
    expected.push(valid);
  }
  return { items, expected };
}

describe('VerifierPool', () => {
  const pool = new VerifierPool({ workers: 2, syncThresholdItems: 8 });
  afterAll(() => pool.close());

  it('verifies a mixed batch on workers and returns results in input order', async () => {
    await pool.ready();
    const { items, expected } = makeItems(301);
    expect(await pool.verifyBatch(items)).toEqual(expected);
  });

  it('splits a batch larger than batchItemsMax into consecutive batches instead of throwing', async () => {
    const small = new VerifierPool({ workers: 1, syncThresholdItems: 4, batchItemsMax: 40 });
    try {
      const { items, expected } = makeItems(101);
      expect(await small.verifyBatch(items)).toEqual(expected);
    } finally {
      await small.close();
    }
  });

  it('verifies small batches inline with the same answers', async () => {
    const { items, expected } = makeItems(5);
    expect(await pool.verifyBatch(items)).toEqual(expected);
    expect(await pool.verifyBatch([])).toEqual([]);
  });

  it('returns false for malformed items instead of failing the batch', async () => {
    const { items } = makeItems(10);
    const broken = items.map((item, i) => (i === 4 ? { ...item, sig: 'not base64', alg: 'sm2' as const } : i === 5 ? { ...item, publicKey: new Uint8Array(3) } : item));
    const results = await pool.verifyBatch(broken);
    expect(results[4]).toBe(false);
    expect(results[5]).toBe(false);
  });

  it('runs concurrent batches independently', async () => {
    const batches = [makeItems(40), makeItems(60), makeItems(20)];
    const results = await Promise.all(batches.map((b) => pool.verifyBatch(b.items)));
    results.forEach((r, i) => expect(r).toEqual(batches[i]!.expected));
  });

  it('refuses a batch beyond the queue bound and rejects a batch that exceeds its timeout', async () => {
    const small = new VerifierPool({ workers: 1, syncThresholdItems: 1, queuedBatchesMax: 1, timeoutMs: 1 });
    try {
      const { items } = makeItems(400);
      const first = small.verifyBatch(items);
      await expect(small.verifyBatch(items)).rejects.toBeInstanceOf(VerifierPoolSaturatedError);
      await expect(first).rejects.toBeInstanceOf(VerifierPoolTimeoutError);
    } finally {
      await small.close();
    }
  });

  it('refuses work after close', async () => {
    const closing = new VerifierPool({ workers: 1 });
    await closing.close();
    await expect(closing.verifyBatch(makeItems(1).items)).rejects.toBeInstanceOf(VerifierPoolClosedError);
  });
});
