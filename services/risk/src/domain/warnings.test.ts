import { describe, expect, it } from 'vitest';
import type { JudicialRecord, TaxRecord } from './records.ts';
import { concentrationAboveLimit, issuerOverdue, newLitigation, taxPaidFalling, warningPolicyDefaults as policy } from './warnings.ts';

const tax = (period: string, taxPaid: string): TaxRecord => ({ period, taxPaid, invoiceCount: 10, invoiceAmount: '100000.00', creditGrade: 'B' });
const months = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12'];

describe('taxPaidFalling (limit 30 %)', () => {
  it('fires when the last three months fell by more than 30 %: 60,000 → 39,000 is 35 %', () => {
    const records = months.map((m, i) => tax(m, i < 3 ? '20000.00' : '13000.00'));
    const alert = taxPaidFalling('E1', records, '2025-12', policy);
    expect(alert).toMatchObject({ rule: 'taxPaidFalling', subject: 'E1', facts: { recent: '39000.00', prior: '60000.00', fallPercent: '35.00' } });
  });
  it('does not fire at exactly 30 % or less: 60,000 → 42,000', () => {
    const records = months.map((m, i) => tax(m, i < 3 ? '20000.00' : '14000.00'));
    expect(taxPaidFalling('E1', records, '2025-12', policy)).toBeNull();
  });
  it('does not fire when a month of either window is missing, or when an older month is updated', () => {
    const records = months.filter((m) => m !== '2025-08').map((m, i) => tax(m, i < 2 ? '20000.00' : '1000.00'));
    expect(taxPaidFalling('E1', records, '2025-12', policy)).toBeNull();
    const full = months.map((m, i) => tax(m, i < 3 ? '20000.00' : '1000.00'));
    expect(taxPaidFalling('E1', full, '2025-09', policy)).toBeNull();
  });
});

describe('newLitigation', () => {
  const judicial = (over: Partial<JudicialRecord> = {}): JudicialRecord => ({ caseId: '(2026)沪0115民初1号', filedOn: '2026-02-10', role: 'defendant', amount: '500000.00', status: 'open', cause: 'unpaid goods', ...over });
  it('fires on a new case as defendant filed within a year', () => {
    expect(newLitigation('E1', judicial(), false, '2026-03-01', policy)).toMatchObject({ rule: 'newLitigation', severity: 'high', facts: { caseId: '(2026)沪0115民初1号' } });
  });
  it('does not fire for a case already on file, a case it brought itself, or one filed more than a year ago', () => {
    expect(newLitigation('E1', judicial(), true, '2026-03-01', policy)).toBeNull();
    expect(newLitigation('E1', judicial({ role: 'plaintiff' }), false, '2026-03-01', policy)).toBeNull();
    expect(newLitigation('E1', judicial({ filedOn: '2024-12-01' }), false, '2026-03-01', policy)).toBeNull();
  });
});

describe('issuerOverdue', () => {
  it('fires when a tree goes overdue with an amount outstanding, not when nothing is left', () => {
    expect(issuerOverdue('CORE1', 'r1', '700.00', 2, '2026-07-01T00:00:00.000Z')).toMatchObject({ rule: 'issuerOverdue', subject: 'CORE1', severity: 'high' });
    expect(issuerOverdue('CORE1', 'r1', '0.00', 0, '2026-07-01T00:00:00.000Z')).toBeNull();
  });
});

describe('concentrationAboveLimit (40 % of at least 10,000,000.00)', () => {
  it('fires on crossing above 40 %: 4,500,000 of 10,000,000', () => {
    const r = concentrationAboveLimit('CORE1', '4500000.00', '10000000.00', false, policy);
    expect(r.above).toBe(true);
    expect(r.alert).toMatchObject({ rule: 'concentrationAboveLimit', facts: { percent: '45.00' } });
  });
  it('does not fire again while already above, at exactly 40 %, or on a platform below the floor', () => {
    expect(concentrationAboveLimit('CORE1', '4500000.00', '10000000.00', true, policy)).toEqual({ alert: null, above: true });
    expect(concentrationAboveLimit('CORE1', '4000000.00', '10000000.00', false, policy)).toEqual({ alert: null, above: false });
    expect(concentrationAboveLimit('CORE1', '900000.00', '1000000.00', false, policy)).toEqual({ alert: null, above: false });
  });
});
