import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { internalTokenTtlMsMax, signInternalToken, verifyInternalToken } from './internal-auth.ts';

const key = randomBytes(32);
const now = Date.parse('2026-12-02T08:00:00Z');
const claims = { sub: '91350100M000100Y43', aud: 'ledger' };

describe('internal identity tokens', () => {
  it('carry the party to the service they are for', () => {
    expect(verifyInternalToken(key, signInternalToken(key, claims, now), 'ledger', now + 1_000)).toMatchObject(claims);
  });

  it.each([
    ['another key', () => signInternalToken(randomBytes(32), claims, now), now, /bad signature/],
    ['another audience', () => signInternalToken(key, { ...claims, aud: 'risk' }, now), now, /for risk, not ledger/],
    ['an expired token', () => signInternalToken(key, claims, now, 10_000), now + 16_000, /expired/],
    ['a token from the future', () => signInternalToken(key, claims, now + 60_000), now, /future/],
    ['a changed subject', () => {
      const [v, , mac] = signInternalToken(key, claims, now).split('.');
      return [v, Buffer.from(JSON.stringify({ ...claims, sub: 'regulator', iat: now, exp: now + 1000 })).toString('base64url'), mac].join('.');
    }, now, /bad signature/],
    ['garbage', () => 'v1.x', now, /not a v1 token/],
  ])('refuse %s', (_name, make, at, why) => {
    expect(() => verifyInternalToken(key, make(), 'ledger', at)).toThrow(why);
  });

  it('are never minted to live longer than the maximum', () => {
    expect(() => signInternalToken(key, claims, now, internalTokenTtlMsMax + 1)).toThrow(/at most/);
  });
});
