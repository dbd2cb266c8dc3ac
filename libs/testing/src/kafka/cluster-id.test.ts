import { describe, expect, it } from 'vitest';
import { newClusterId } from './kafka-broker.ts';

describe('newClusterId', () => {
  it('is 22 base64url characters and never starts with "-" (an option to a command line)', () => {
    // 20,000 draws: with 1 in 64 starting with '-' by chance, a generator that did not prevent it
    // would fail here with certainty.
    for (let i = 0; i < 20_000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
