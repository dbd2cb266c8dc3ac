import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('../src/sm2-openssl.ts');
  vi.resetModules();
});

describe('SM2 backend selection', () => {
  it('falls back to the pure path when OpenSSL misbehaves (here: it accepts everything), and still verifies correctly', async () => {
    vi.resetModules();
    vi.doMock('../src/sm2-openssl.ts', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/sm2-openssl.ts')>()),
      sm2VerifyOpenSsl: () => true,
    }));
    const sm2 = await import('../src/sm2.ts');
    expect(sm2.sm2Backend()).toBe('pure');
    expect(sm2.sm2BackendSelfTest()?.failures).toEqual(expect.arrayContaining(['refuses n-s', 'refuses empty-ID variant', 'refuses ECDSA variant']));
    const { SM2P256V1, sm2PublicKeyFromPrivate } = await import('../src/sm2-pure.ts');
    const { bigIntToBytes } = await import('../src/bytes.ts');
    const d = 0x1234567n;
    const pub = sm2PublicKeyFromPrivate(SM2P256V1, d);
    const sign = sm2.sm2MakeSigner(bigIntToBytes(d, 32), pub);
    const message = new TextEncoder().encode('m');
    const sig = sign(message);
    expect(sm2.sm2VerifyMessage(pub, message, sig)).toBe(true);
    expect(sm2.sm2VerifyMessage(pub, new TextEncoder().encode('n'), sig)).toBe(false);
  });

  it('CASCADE_SM2_BACKEND=pure forces the pure path', async () => {
    vi.resetModules();
    vi.stubEnv('CASCADE_SM2_BACKEND', 'pure');
    try {
      const sm2 = await import('../src/sm2.ts');
      expect(sm2.sm2Backend()).toBe('pure');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
