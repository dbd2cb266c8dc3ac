import { describe, expect, it } from 'vitest';
import { ledgerCommandKey, registryCommandKey, voucherOfCommand } from './command-keys.ts';

const cmd = (type: string, payload: Record<string, unknown>, actor = 'A') => ({ type, actor, payload });

describe('the Kafka key of a ledger command', () => {
  it.each([
    ['party.register', { partyId: 'X' }],
    ['key.add', { key: {} }],
    ['key.revoke', { keyId: 'k' }],
    ['policy.change', { changes: {} }],
  ])('%s: the registry key, whatever the issuer lookup says', (type, payload) => {
    expect(ledgerCommandKey(cmd(type, payload), 'ISSUER')).toBe(registryCommandKey);
    expect(voucherOfCommand(cmd(type, payload))).toBeNull();
  });

  it('an issue is keyed by its issuer (the actor), a credit line by the issuer it is for', () => {
    expect(ledgerCommandKey(cmd('voucher.issue', { voucherId: 'v' }, 'CORE'), undefined)).toBe('CORE');
    expect(ledgerCommandKey(cmd('creditLine.set', { issuer: 'CORE' }, 'BANK'), undefined)).toBe('CORE');
  });

  it("every other voucher command is keyed by its tree's issuer, falling back to the voucher it names", () => {
    expect(voucherOfCommand(cmd('voucher.transfer', { voucherId: 'v1' }))).toBe('v1');
    expect(voucherOfCommand(cmd('voucher.settle', { rootId: 'r1' }))).toBe('r1');
    expect(ledgerCommandKey(cmd('voucher.transfer', { voucherId: 'v1' }, 'SUPPLIER'), 'CORE')).toBe('CORE');
    expect(ledgerCommandKey(cmd('voucher.markOverdue', { rootId: 'r1' }, 'operator'), 'CORE')).toBe('CORE');
    expect(ledgerCommandKey(cmd('voucher.accept', { voucherId: 'v9' }, 'SUPPLIER'), undefined)).toBe('v9');
  });
});
