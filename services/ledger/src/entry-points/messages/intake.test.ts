import { describe, expect, it } from 'vitest';
import { intakeStallProblem } from './intake.ts';

const base = { oldestPendingSinceMs: null, lagMessages: 0, lastHandledAtMs: null, deadBecause: null };

describe('intakeStallProblem (the ledger intake readiness)', () => {
  it('is ready with nothing pending, and while pending input is younger than the limit', () => {
    expect(intakeStallProblem(base, 1_000, 10_000)).toBeNull();
    expect(intakeStallProblem({ ...base, oldestPendingSinceMs: 9_500 }, 1_000, 10_000)).toBeNull();
  });

  it('is not ready when pending input is older than the limit, saying how old and how far behind', () => {
    expect(intakeStallProblem({ ...base, oldestPendingSinceMs: 4_000, lagMessages: 12 }, 1_000, 10_000)).toBe('input has waited 6 s without being committed (limit 1 s); 12 messages behind');
  });

  it('is not ready when the consumer crashed for good, whatever else it says', () => {
    expect(intakeStallProblem({ ...base, deadBecause: 'the consumer crashed' }, 1_000, 10_000)).toBe('the consumer crashed');
  });
});
