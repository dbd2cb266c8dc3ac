/**
 * Amounts are the API's decimal strings with exactly two decimals; the console never turns them
 * into JS numbers. Arithmetic (a remainder) is on integer cents as BigInt; display inserts
 * thousands separators into the string.
 */
const amountPattern = /^(0|[1-9]\d{0,15})\.\d{2}$/;

export function isAmount(text: string): boolean {
  return amountPattern.test(text);
}

/** "1234567.80" → "1,234,567.80" (the same in Chinese and English). */
export function formatAmount(amount: string): string {
  const [whole, cents] = amount.split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents ?? '00'}`;
}

export function toCents(amount: string): bigint {
  if (!isAmount(amount)) throw new Error(`not an amount with two decimals: ${amount}`);
  return BigInt(amount.replace('.', ''));
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/** parent − piece, or null when the piece is not a valid amount or exceeds the parent. */
export function remainderOf(parent: string, piece: string): string | null {
  if (!isAmount(piece)) return null;
  const rest = toCents(parent) - toCents(piece);
  return rest < 0n ? null : fromCents(rest);
}

/** The sum of decimal amounts, on cents as BigInt (a total shown to the cent). */
export function sumAmounts(amounts: readonly string[]): string {
  return fromCents(amounts.reduce((total, a) => total + toCents(a), 0n));
}
