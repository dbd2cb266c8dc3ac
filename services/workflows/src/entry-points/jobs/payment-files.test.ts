import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paymentFilesDirReady } from './payment-files.ts';

describe('payment-file directory readiness', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes a missing directory and is ready; a path that cannot be a directory is not', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cascade-ready-'));
    await expect(paymentFilesDirReady(join(dir, 'payment-files'))).resolves.toBeUndefined();
    expect(existsSync(join(dir, 'payment-files'))).toBe(true);
    await writeFile(join(dir, 'a-file'), '');
    await expect(paymentFilesDirReady(join(dir, 'a-file', 'payment-files'))).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
