/**
 * What the invoices domain needs from outside, as interfaces the composition root fills in.
 */
import type { TaxRecord } from './verification.ts';

/** The current instant; injected so tests and replays decide with a fixed time. */
export type Clock = () => Date;

/**
 * External verification (查验): where the tax authority's results come from. A deployment gets
 * them from its tax data provider; the implementation shipped reads the provider's result files
 * (`FileTaxVerificationSource`, format in docs/invoices.md). A provider with an online API would
 * implement the same interface; none is pretended here.
 */
export interface TaxVerificationSource {
  /** A name for the records' origin, stored with each (a file name, a provider batch id). */
  readonly name: string;
  /** The provider's records, one at a time (a file is never loaded whole), each valid or a refusal with its line. */
  records(): AsyncIterable<{ line: number; record: TaxRecord } | { line: number; refused: string }>;
}
