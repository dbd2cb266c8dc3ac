/**
 * Pro-rata allocation by the largest-remainder method, exact in fen.
 */
import { Amount, MoneyError } from './amount.ts';

/** The most weights one allocation takes; a settlement tree is far smaller than this. */
export const allocationWeightsMax = 100_000;

/**
 * Splits `total` over `weights` pro rata so that the shares sum exactly to `total`.
 *
 * Each share starts at the floor of its exact share `total × weight / Σweights` in fen; the fen
 * left over (fewer than the number of weights) go one each to the shares with the largest
 * remainders, and among equal remainders to the EARLIER index, so the result is deterministic and
 * every share is within one fen of its exact share. A zero weight always gets zero (its remainder
 * is zero, and there are always more positive remainders than fen left over).
 *
 * @param weights amounts, or non-negative bigints (any unit; only the ratios matter).
 * @throws MoneyError for an empty list, a negative weight, all-zero weights or a negative total.
 */
export function allocate(total: Amount, weights: readonly Amount[] | readonly bigint[]): Amount[] {
  if (weights.length === 0) throw new MoneyError('allocate is refused: there are no weights');
  if (weights.length > allocationWeightsMax) {
    throw new MoneyError(`allocate is refused: ${weights.length} weights exceed the limit of ${allocationWeightsMax}`);
  }
  if (total.isNegative()) throw new MoneyError(`allocate is refused: total ${total} is negative`);
  const w: bigint[] = weights.map((x: Amount | bigint, i) => {
    const v = typeof x === 'bigint' ? x : x.toFen();
    if (v < 0n) throw new MoneyError(`allocate is refused: weight ${i} (${String(x)}) is negative`);
    return v;
  });
  const weightSum = w.reduce((a, b) => a + b, 0n);
  if (weightSum === 0n) throw new MoneyError('allocate is refused: all weights are zero');

  const totalFen = total.toFen();
  const shares: bigint[] = [];
  const remainders: bigint[] = [];
  let given = 0n;
  for (const wi of w) {
    const exact = totalFen * wi;
    const share = exact / weightSum;
    shares.push(share);
    remainders.push(exact % weightSum);
    given += share;
  }
  let left = totalFen - given;
  // Stable order: larger remainder first, then earlier index.
  const order = w.map((_, i) => i).sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    return ra === rb ? a - b : ra > rb ? -1 : 1;
  });
  for (const i of order) {
    if (left === 0n) break;
    shares[i] = shares[i]! + 1n;
    left -= 1n;
  }
  if (left !== 0n) throw new Error('allocate: leftover fen remain after distribution (invariant broken)');
  return shares.map((fen) => Amount.fromFen(fen));
}
