import { describe, expect, it } from 'vitest';
import { Problem, commonProblems, defineProblems, problemTypeOf } from './index.ts';

describe('problem types', () => {
  it('problemTypeOf turns a camelCase code into a stable kebab URN', () => {
    expect(problemTypeOf('voucherAlreadySplit')).toBe('urn:cascade:problem:voucher-already-split');
  });

  it('problemTypeOf refuses codes that are not camelCase', () => {
    expect(() => problemTypeOf('Voucher_split')).toThrow(/camelCase/);
  });

  it('defineProblems refuses a non-error status', () => {
    expect(() => defineProblems({ fine: { title: 'ok', status: 200 } })).toThrow(/non-error status/);
  });

  it('Problem.toDocument renders RFC 9457 members and extensions', () => {
    const p = new Problem(commonProblems.conflict, 'nonce reused', { nonce: 'n1' });
    expect(p.toDocument('/v1/x')).toEqual({
      type: 'urn:cascade:problem:conflict',
      title: 'The request conflicts with the current state',
      status: 409,
      code: 'conflict',
      detail: 'nonce reused',
      instance: '/v1/x',
      nonce: 'n1',
    });
  });
});
