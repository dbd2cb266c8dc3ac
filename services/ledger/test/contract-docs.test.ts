/**
 * docs/ledger.md's command contract is what the code says: every command type, its signer and
 * exactly its payload fields, as the command schemas of @cascade/events describe them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandPayloadSchemas } from '@cascade/events';
import { intakeCatalog } from '../src/catalog.ts';
import { commandTypes } from '../src/domain/commands.ts';
import { commandPayloadFields, renderCommandContract, withCommandContract } from '../src/domain/contract-docs.ts';

const docs = readFileSync(fileURLToPath(new URL('../../../docs/ledger.md', import.meta.url)), 'utf8');

describe('the command contract in docs/ledger.md', () => {
  it('is exactly what renderCommandContract prints (run npm run docs:ledger after changing a command)', () => {
    expect(withCommandContract(docs, renderCommandContract())).toBe(docs);
  });

  it("shows an envelope the ledger's intake accepts", () => {
    const example = /\*\*The message\.\*\*[\s\S]*?```json\n([\s\S]*?)\n```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const envelope = JSON.parse(example!) as { data: { command: Record<string, unknown> } };
    expect(() => intakeCatalog().assertValid(envelope)).not.toThrow();
    expect(Object.keys(envelope.data.command).sort()).toEqual(['actor', 'chain', 'createdAt', 'nonce', 'payload', 'type']);
  });

  it('names every command type the ledger knows, and no other, each with every field its schema has', () => {
    expect(Object.keys(commandPayloadSchemas).sort()).toEqual([...commandTypes].sort());
    for (const type of commandTypes) {
      expect(docs).toContain(`**\`${type}\`**`);
      const fields = commandPayloadFields(type).map(([f]) => f);
      expect(fields).toEqual(Object.keys((commandPayloadSchemas[type] as { properties: object }).properties));
      for (const f of fields) expect(docs).toContain(`- \`${f}\`:`);
    }
  });
});
