import { describe, expect, it } from 'vitest';
import { isEventFault } from './consumer.ts';
import { ParkedEvent } from './parked.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('isEventFault: park the event, or retry the batch', () => {
  it('parks refusals, defects its data exposes, and data PostgreSQL refuses', () => {
    expect(isEventFault(new ParkedEvent('factSignatureInvalid', 'forged'))).toBe(true);
    expect(isEventFault(new TypeError("Cannot read properties of undefined (reading 'voucherId')"))).toBe(true);
    expect(isEventFault(pgError('22008'))).toBe(true); // date out of range
    expect(isEventFault(pgError('23505'))).toBe(true); // unique violation
  });
  it('retries deadlocks, serialization failures, timeouts and lost connections', () => {
    for (const code of ['40P01', '40001', '57014', '08006', '53300']) expect(isEventFault(pgError(code)), code).toBe(false);
    expect(isEventFault(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isEventFault(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
