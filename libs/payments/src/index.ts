export * from './errors.ts';
export { escapeXml, characterCount } from './text.ts';
export * from './accounts.ts';
export * from './pain001.ts';
export * from './matching.ts';
export { normaliseBankAmount } from './bank-amount.ts';
export * from './camt054.ts';
export * from './bank-csv.ts';
