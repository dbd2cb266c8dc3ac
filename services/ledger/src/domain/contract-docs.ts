/**
 * The command contract as a newcomer reads it in docs/ledger.md: every command type, who signs it
 * and each payload field. The field table is typed against `CommandPayloads`, so a field added,
 * renamed or removed in the code fails the type check until this table says the same; and a test
 * checks that docs/ledger.md holds exactly what `renderCommandContract()` prints
 * (`npm run docs:ledger` rewrites it).
 */
import { commandAuthority, commandTypes, type CommandPayloads, type CommandType } from './commands.ts';

type FieldDocs<T> = { [K in keyof T]-?: string };

/** Each payload field: its JSON type and rule, in words. */
export const commandPayloadFields: { [T in CommandType]: FieldDocs<CommandPayloads[T]> } = {
  'party.register': {
    partyId: 'string: the USCC for core, supplier and funder parties; letters, digits, `.`, `_`, `-` (≤ 64) for others',
    uscc: 'string | null: the 18-character unified social credit code (GB 32100, check character verified); required for core, supplier, funder',
    name: 'string, 1–200 characters',
    roles: 'array of `core` | `supplier` | `funder` | `regulator` | `operator`',
    publicKeys: 'array (1–8) of `{keyId, alg: "ed25519" | "sm2", publicKey: lower-case hex}`',
  },
  'key.add': { key: '`{keyId, alg, publicKey}` as in party.register' },
  'key.revoke': { keyId: 'string: one of the actor\'s own keys; never its last active one' },
  'creditLine.set': { issuer: 'party id of a core enterprise', limit: 'amount string with two decimals, e.g. `"5000000.00"`', termDays: 'integer 1–366: the longest maturity the line backs' },
  'voucher.issue': {
    voucherId: 'canonical lower-case UUID chosen by the client (not version 8), so a retry names the same voucher',
    holder: 'party id of the receiving supplier (or core)',
    amount: 'amount string, two decimals, ≥ the minimum piece',
    maturityDate: 'calendar date `YYYY-MM-DD` (Asia/Shanghai), after today and within the policy\'s months',
    backing: 'array (1–policy max) of `{payableId, amount}`: confirmed payables owed by the issuer to the holder; amounts sum exactly to `amount`',
    creditLineFunder: 'optional party id of the funder whose credit line backs the voucher, or null',
  },
  'voucher.accept': { voucherId: 'UUID of a voucher offered to the actor' },
  'voucher.reject': { voucherId: 'UUID of a voucher offered to the actor', reason: 'optional string ≤ 500' },
  'voucher.cancel': { voucherId: 'UUID of an issued root not yet accepted' },
  'voucher.transfer': {
    voucherId: 'UUID of an active voucher the actor holds',
    pieces: 'array (1–policy max) of `{childId: new UUID, recipient: party id, amount}`',
    remainder: '`{childId: new UUID, amount}` kept by the holder, or null; pieces + remainder sum exactly to the voucher',
  },
  'voucher.revoke': { voucherId: 'UUID of a transfer child the actor sent and nobody accepted yet' },
  'financing.request': {
    voucherId: 'UUID of an active voucher the actor holds',
    funder: 'party id of a funder',
    productId: 'the funder\'s product id (reference ≤ 128)',
    maxAnnualRate: 'decimal string `0` or `0.d…` (≤ 10 decimals): the highest annual rate the holder accepts',
    maxFees: 'amount string: the most fees the holder accepts',
  },
  'financing.withdraw': { voucherId: 'UUID of the actor\'s voucher with an open request' },
  'financing.approve': {
    voucherId: 'UUID of the voucher whose request names the actor',
    annualRate: 'decimal string ≤ the request\'s maxAnnualRate; interest = amount × rate × days / 360, half-up to 0.01',
    fees: 'amount string ≤ the request\'s maxFees and the policy fee cap',
  },
  'financing.reject': { voucherId: 'UUID of the voucher whose request names the actor', reason: 'string 1–500' },
  'voucher.settle': { rootId: 'UUID of the root the actor issued', paymentReference: 'the bank payment\'s reference, unique per payer', paidAmount: 'amount string > 0, ≤ what the tree still owes' },
  'voucher.freeze': { voucherId: 'UUID: the voucher and its whole subtree', reason: 'string 1–500' },
  'voucher.unfreeze': { voucherId: 'UUID of the voucher the freeze order was placed on', reason: 'string 1–500' },
  'voucher.expireAcceptance': { voucherId: 'UUID of an offer whose acceptance period is over' },
  'voucher.markOverdue': { rootId: 'UUID of a matured root with unpaid leaves' },
};

/** The markdown docs/ledger.md carries between its command-contract markers. */
export function renderCommandContract(): string {
  const lines: string[] = [];
  for (const type of commandTypes) {
    const who = commandAuthority[type];
    const signer = who.role === null ? who.party : `${who.role}: ${who.party}`;
    lines.push(`**\`${type}\`** — signed by ${signer}`, '');
    for (const [field, doc] of Object.entries(commandPayloadFields[type])) lines.push(`- \`${field}\`: ${doc}`);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

export const contractStartMarker = '<!-- command-contract:start -->';
export const contractEndMarker = '<!-- command-contract:end -->';

/** `doc` with the text between the contract markers replaced by `contract`. */
export function withCommandContract(doc: string, contract: string): string {
  const start = doc.indexOf(contractStartMarker);
  const end = doc.indexOf(contractEndMarker);
  if (start < 0 || end < start) throw new Error(`the document has no ${contractStartMarker} … ${contractEndMarker} section`);
  return `${doc.slice(0, start + contractStartMarker.length)}\n${contract}\n${doc.slice(end)}`;
}
