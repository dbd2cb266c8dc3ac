import { describe, expect, it } from 'vitest';
import { NonceFilter } from './nonce-filter.ts';

describe('NonceFilter', () => {
  it('never forgets a pair it was given, and says "may have" for about the rate asked of new ones', () => {
    const filter = new NonceFilter(50_000, 0.01);
    for (let i = 0; i < 50_000; i++) filter.add(`91350100M000${i % 97}`, `nonce-${i}`);
    for (let i = 0; i < 50_000; i++) expect(filter.mayHave(`91350100M000${i % 97}`, `nonce-${i}`)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 50_000; i++) if (filter.mayHave(`91350100M000${i % 97}`, `other-${i}`)) falsePositives += 1;
    expect(falsePositives / 50_000).toBeLessThan(0.02);
  });

  it('tells apart pairs that join to the same text without the separator', () => {
    const filter = new NonceFilter(1_000, 0.001);
    filter.add('ab', 'c');
    expect(filter.mayHave('a', 'bc')).toBe(false);
  });

  it('holds a fixed number of bytes, about 1.2 bytes per pair at 1 %', () => {
    expect(new NonceFilter(10_000_000, 0.01).bytes).toBeLessThan(12_500_000);
  });
});
