import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usccFromNumber } from '@cascade/ids';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../test/xsd.ts';
import { PaymentFileError } from './errors.ts';
import { buildPain001, writePain001File, type CreditTransfer, type CreditTransferBatch } from './pain001.ts';

function transfer(n: number, amount: string, overrides: Partial<CreditTransfer> = {}): CreditTransfer {
  return {
    endToEndId: `SETTLE-V${n}`,
    amount,
    currency: 'CNY',
    creditor: { name: `Supplier ${n} Co., Ltd.`, uscc: usccFromNumber(1000 + n) },
    creditorAccount: { number: `62220200000000${String(n).padStart(4, '0')}` },
    creditorAgent: { bankCode: '102100099996', name: '中国工商银行总行清算中心' },
    remittance: [`voucher 0190f5a2-0000-7000-8000-00000000000${n % 10}`],
    ...overrides,
  };
}

function batch(transfers: CreditTransfer[], overrides: Partial<CreditTransferBatch> = {}): CreditTransferBatch {
  return {
    messageId: 'CASCADE-SETTLE-20261203-001',
    createdAt: new Date('2026-12-03T02:15:30.123Z'),
    requestedExecutionDate: '2026-12-04',
    initiatingParty: { name: 'Cascade Platform Operator', uscc: usccFromNumber(1) },
    debtor: { name: '核心企业集团有限公司', uscc: usccFromNumber(2) },
    debtorAccount: { number: '0200001234567890123' },
    debtorAgent: { bic: 'ICBKCNBJ', name: 'Industrial and Commercial Bank of China' },
    transfers,
    ...overrides,
  };
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' || name === 'Ustrd' });
function parsed(xml: string) {
  return parser.parse(xml).Document.CstmrCdtTrfInitn;
}

describe('buildPain001', () => {
  it('pain001: a multi-transfer batch validates against the pain.001.001.09 XSD and carries NbOfTxs and an exact CtrlSum', async () => {
    const doc = buildPain001(batch([transfer(1, '0.10'), transfer(2, '0.20'), transfer(3, '1234567.89'), transfer(4, '0.01', { creditorAccount: { iban: 'DE89370400440532013000' }, creditorAgent: { bic: 'COBADEFFXXX' } })]));
    expect(await schemaErrors(doc.xml, 'pain.001.001.09')).toEqual([]);
    expect(doc.numberOfTransactions).toBe(4);
    expect(doc.controlSum).toBe('1234568.20');
    const root = parsed(doc.xml);
    expect(root.GrpHdr.NbOfTxs).toBe('4');
    expect(root.GrpHdr.CtrlSum).toBe('1234568.20');
    expect(root.PmtInf.CtrlSum).toBe('1234568.20');
    expect(root.GrpHdr.CreDtTm).toBe('2026-12-03T02:15:30Z');
    expect(root.PmtInf.CdtTrfTxInf.map((t: { PmtId: { EndToEndId: string } }) => t.PmtId.EndToEndId)).toEqual(['SETTLE-V1', 'SETTLE-V2', 'SETTLE-V3', 'SETTLE-V4']);
    expect(root.PmtInf.CdtTrfTxInf[0].CdtrAgt.FinInstnId.ClrSysMmbId).toEqual({ ClrSysId: { Cd: 'CNAPS' }, MmbId: '102100099996' });
    expect(root.PmtInf.CdtTrfTxInf[3].CdtrAcct.Id.IBAN).toBe('DE89370400440532013000');
  });

  it('pain001: the schema check itself catches a document missing a required element', async () => {
    const doc = buildPain001(batch([transfer(1, '1.00')]));
    const broken = doc.xml.replace('<PmtMtd>TRF</PmtMtd>', '');
    expect(broken).not.toBe(doc.xml);
    expect((await schemaErrors(broken, 'pain.001.001.09')).join('\n')).toMatch(/PmtMtd/);
  });

  it('pain001: 0.10 + 0.20 sums to CtrlSum 0.30 exactly, where JS numbers give 0.30000000000000004', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(buildPain001(batch([transfer(1, '0.10'), transfer(2, '0.20')])).controlSum).toBe('0.30');
  });

  it('pain001: a thousand transfers of 0.01 to 0.10 sum to the cent', async () => {
    const transfers = Array.from({ length: 1000 }, (_, i) => transfer(i, `0.${String((i % 10) + 1).padStart(2, '0')}`));
    const doc = buildPain001(batch(transfers));
    // (0.01 + … + 0.10) = 0.55 per ten transfers.
    expect(doc.controlSum).toBe('55.00');
    expect(await schemaErrors(doc.xml, 'pain.001.001.09')).toEqual([]);
  });

  it('pain001: & < > " and \' in names and remittance are escaped, the file stays schema-valid and reads back unchanged', async () => {
    const name = `Tom & Jerry <Trading> "Ltd" 'HK'`;
    const doc = buildPain001(batch([transfer(1, '10.00', { creditor: { name }, remittance: ['a<b & c>d'] })], { debtor: { name: 'A&B <Group>' } }));
    expect(doc.xml).toContain('Tom &amp; Jerry &lt;Trading&gt; &quot;Ltd&quot; &apos;HK&apos;');
    expect(doc.xml).not.toContain('<Trading>');
    expect(await schemaErrors(doc.xml, 'pain.001.001.09')).toEqual([]);
    const root = new XMLParser({ parseTagValue: false, processEntities: true }).parse(doc.xml).Document.CstmrCdtTrfInitn;
    expect(root.PmtInf.Dbtr.Nm).toBe('A&B <Group>');
    expect(root.PmtInf.CdtTrfTxInf.Cdtr.Nm).toBe(name);
    expect(root.PmtInf.CdtTrfTxInf.RmtInf.Ustrd).toBe('a<b & c>d');
  });

  it('pain001: Chinese names count as characters, not bytes, against Max140Text', async () => {
    const name = '供'.repeat(140);
    const doc = buildPain001(batch([transfer(1, '1.00', { creditor: { name } })]));
    expect(await schemaErrors(doc.xml, 'pain.001.001.09')).toEqual([]);
    expect(() => buildPain001(batch([transfer(1, '1.00', { creditor: { name: `${name}供` } })]))).toThrow(/textMustFitLength/);
  });

  it.each([
    ['an empty batch', batch([]), 'batchMustHaveTransfers'],
    ['a repeated end-to-end id', batch([transfer(1, '1.00'), transfer(1, '2.00')]), 'endToEndIdMustBeUniqueInBatch'],
    ['a JS-number-looking amount', batch([transfer(1, '1.5')]), 'amountMustBeTwoDecimalCny'],
    ['a zero amount', batch([transfer(1, '0.00')]), 'amountMustBePositive'],
    ['a negative amount', batch([transfer(1, '-1.00')]), 'amountMustBeTwoDecimalCny'],
    ['another currency', batch([transfer(1, '1.00', { currency: 'USD' as 'CNY' })]), 'currencyMustBeCny'],
    ['an IBAN with wrong check digits', batch([transfer(1, '1.00', { creditorAccount: { iban: 'DE88370400440532013000' } })]), 'ibanMustBeWellFormed'],
    ['a malformed BIC', batch([transfer(1, '1.00', { creditorAgent: { bic: 'ICBK' } })]), 'bicMustBeWellFormed'],
    ['a 36-character message id', batch([transfer(1, '1.00')], { messageId: 'M'.repeat(36) }), 'textMustFitLength'],
    ['a control character in a name', batch([transfer(1, '1.00', { creditor: { name: 'bad\u0007name' } })]), 'textMustHaveNoControlCharacters'],
    ['a USCC with a wrong check character', batch([transfer(1, '1.00', { creditor: { name: 'x', uscc: '91110000100000000Z' } })]), 'usccMustBeValid'],
    ['a non-existent execution date', batch([transfer(1, '1.00')], { requestedExecutionDate: '2026-02-30' }), 'dateMustBeIsoCalendarDate'],
  ])('pain001: %s is refused with its code', (_what, input, code) => {
    try {
      buildPain001(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PaymentFileError);
      expect((error as PaymentFileError).code).toBe(code);
    }
  });
});

describe('writePain001File', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pain001: writes one file named after the message id and refuses to overwrite it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pain001-'));
    const input = batch([transfer(1, '5.00')], { messageId: 'SETTLE/2026:12' });
    const written = await writePain001File(dir, input);
    expect(written.fileName).toBe('pain.001.001.09_SETTLE_2026_12.xml');
    expect(await readFile(written.path, 'utf8')).toBe(written.xml);
    await expect(writePain001File(dir, input)).rejects.toThrow(/fileMustNotExist/);
  });
});
