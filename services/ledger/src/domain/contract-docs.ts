/**
 * The command contract as a newcomer reads it in docs/ledger.md: every command type, who signs it
 * and each payload field, printed from the `description` of each field of the command schemas in
 * `@cascade/events` — the same schemas the ledger and the gateway validate payloads with — so the
 * docs, the validation and the `CommandPayloads` type (bound to the schemas at compile time in
 * payload-schemas.ts) say the same. A test checks that docs/ledger.md holds exactly what
 * `renderCommandContract()` prints (`npm run docs:ledger` rewrites it).
 */
import { commandPayloadSchemas } from '@cascade/events';
import { commandAuthority, commandTypes } from './commands.ts';

/** Each payload field with its line of documentation, in schema order. */
export function commandPayloadFields(type: (typeof commandTypes)[number]): [field: string, doc: string][] {
  const { properties } = commandPayloadSchemas[type] as { properties: Record<string, { description?: string }> };
  return Object.entries(properties).map(([field, schema]) => {
    if (!schema.description) throw new Error(`the schema of ${type}.${field} has no description for the docs`);
    return [field, schema.description];
  });
}

/** The markdown docs/ledger.md carries between its command-contract markers. */
export function renderCommandContract(): string {
  const lines: string[] = [];
  for (const type of commandTypes) {
    const who = commandAuthority[type];
    const signer = who.role === null ? who.party : `${who.role}: ${who.party}`;
    lines.push(`**\`${type}\`** — signed by ${signer}`, '');
    for (const [field, doc] of commandPayloadFields(type)) lines.push(`- \`${field}\`: ${doc}`);
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
