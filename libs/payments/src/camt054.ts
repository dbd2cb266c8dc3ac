/**
 * camt.054.001.08 (BankToCustomerDebitCreditNotificationV08): the bank's notice of what it
 * booked on an account. This reads the whole document (files are small; no streaming) and
 * turns each transaction into a `NotifiedPayment` for `matchPayments`.
 *
 * Mapping, per `Ntfctn/Ntry` and each `NtryDtls/TxDtls` under it (an entry without TxDtls is
 * one payment on its own):
 *   amount, currency   TxDtls/Amt and @Ccy, else Ntry/Amt when the entry has one transaction
 *   creditDebit        TxDtls/CdtDbtInd, else Ntry/CdtDbtInd
 *   bookingDate        Ntry/BookgDt/Dt, else the date part of Ntry/BookgDt/DtTm
 *   account            Ntfctn/Acct/Id/IBAN or Ntfctn/Acct/Id/Othr/Id
 *   counterparty       TxDtls/RltdPties/CdtrAcct on a debit, …/DbtrAcct on a credit
 *   endToEndId         TxDtls/Refs/EndToEndId
 *   bankReference      TxDtls/Refs/AcctSvcrRef, else TxDtls/Refs/TxId, else Ntry/AcctSvcrRef
 *   reversal, booked   Ntry/RvslInd = true; Ntry/Sts/Cd (or Prtry) = BOOK
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PaymentFileError } from './errors.ts';
import { normaliseBankAmount } from './bank-amount.ts';
import type { CreditDebit, NotifiedPayment } from './matching.ts';

export const camt054Namespace = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08';
/** Largest camt.054 document read, in bytes of UTF-8. */
export const camt054BytesMax = 32 * 1024 * 1024;
/** Most transactions (entries or entry details) read from one document. */
export const notifiedPaymentsMax = 100_000;

export interface Camt054Notification {
  /** `GrpHdr/MsgId`. */
  readonly messageId: string;
  /** `GrpHdr/CreDtTm` as written. */
  readonly createdAt: string;
  readonly payments: readonly NotifiedPayment[];
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ['Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls'].includes(name),
});

function node(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function at(root: unknown, ...path: string[]): unknown {
  let current: unknown = root;
  for (const step of path) {
    const n = node(current);
    if (n === undefined) return undefined;
    current = n[step];
  }
  return current;
}

function text(root: unknown, ...path: string[]): string | undefined {
  const v = at(root, ...path);
  if (typeof v === 'string') return v;
  const n = node(v);
  if (n !== undefined && typeof n['#text'] === 'string') return n['#text'];
  return undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function accountId(account: unknown): string | undefined {
  return text(account, 'Id', 'IBAN') ?? text(account, 'Id', 'Othr', 'Id');
}

function creditDebit(source: string, value: string | undefined): CreditDebit {
  if (value === 'CRDT' || value === 'DBIT') return value;
  throw new PaymentFileError('documentMustBeCamt054v08', `${source} has CdtDbtInd ${JSON.stringify(value)}, expected CRDT or DBIT`);
}

function amountOf(source: string, amt: unknown): { amount: string; currency: string } | undefined {
  const value = text(amt);
  if (value === undefined) return undefined;
  const currency = node(amt)?.['@_Ccy'];
  if (typeof currency !== 'string') throw new PaymentFileError('documentMustBeCamt054v08', `${source} amount has no Ccy`);
  return { amount: normaliseBankAmount(source, value), currency };
}

/**
 * The namespace of the root `Document` element, prefixed (`<ns2:Document xmlns:ns2=…>`, as some
 * bank systems write) or not. Read from the start tag because the parser drops namespaces.
 */
function rootNamespace(xml: string): string | undefined {
  const start = /<(?:([A-Za-z_][\w.-]*):)?Document\b([^>]*)>/.exec(xml);
  if (!start) return undefined;
  const attribute = start[1] === undefined ? 'xmlns' : `xmlns:${start[1]}`;
  const value = new RegExp(`\\s${attribute.replace(/[.]/g, '\\.')}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(start[2] ?? '');
  return value ? (value[2] ?? value[3]) : undefined;
}

/**
 * Reads a camt.054.001.08 document.
 * Rejections, in order: fileMustFitSizeLimit, xmlMustBeWellFormed (also any DOCTYPE, which a bank
 * file never needs and which could expand entities), documentMustBeCamt054v08 (wrong root or
 * namespace, a missing required field), notificationMustFitEntryLimit, amountMustBeTwoDecimalCny.
 */
export function parseCamt054(xml: string): Camt054Notification {
  if (Buffer.byteLength(xml, 'utf8') > camt054BytesMax) {
    throw new PaymentFileError('fileMustFitSizeLimit', `camt.054 document is larger than ${camt054BytesMax} bytes`);
  }
  if (/<!DOCTYPE/i.test(xml)) throw new PaymentFileError('xmlMustBeWellFormed', 'camt.054 document has a DOCTYPE, which is refused');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new PaymentFileError('xmlMustBeWellFormed', `camt.054 document is not well-formed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  const document = node(parser.parse(xml)['Document']);
  if (document === undefined || rootNamespace(xml) !== camt054Namespace) {
    throw new PaymentFileError('documentMustBeCamt054v08', `root must be Document in namespace ${camt054Namespace}`);
  }
  const body = node(document['BkToCstmrDbtCdtNtfctn']);
  const messageId = text(body, 'GrpHdr', 'MsgId');
  const createdAt = text(body, 'GrpHdr', 'CreDtTm');
  if (body === undefined || messageId === undefined || createdAt === undefined) {
    throw new PaymentFileError('documentMustBeCamt054v08', 'BkToCstmrDbtCdtNtfctn/GrpHdr with MsgId and CreDtTm is required');
  }

  const payments: NotifiedPayment[] = [];
  const push = (p: NotifiedPayment) => {
    if (payments.length >= notifiedPaymentsMax) {
      throw new PaymentFileError('notificationMustFitEntryLimit', `camt.054 ${messageId} has more than ${notifiedPaymentsMax} transactions`);
    }
    payments.push(p);
  };

  list(body['Ntfctn']).forEach((ntfctn, i) => {
    const account = accountId(at(ntfctn, 'Acct'));
    if (account === undefined) throw new PaymentFileError('documentMustBeCamt054v08', `camt.054 ${messageId} notification ${i + 1} has no Acct/Id`);
    list(at(ntfctn, 'Ntry')).forEach((ntry, j) => {
      const entrySource = `camt.054 ${messageId} notification ${i + 1} entry ${j + 1}`;
      const entryAmount = amountOf(entrySource, at(ntry, 'Amt'));
      if (entryAmount === undefined) throw new PaymentFileError('documentMustBeCamt054v08', `${entrySource} has no Amt`);
      const entryCreditDebit = creditDebit(entrySource, text(ntry, 'CdtDbtInd'));
      const status = text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts', 'Prtry');
      const bookingDate = text(ntry, 'BookgDt', 'Dt') ?? text(ntry, 'BookgDt', 'DtTm')?.slice(0, 10);
      const common = {
        bookingDate,
        account,
        reversal: ['true', '1'].includes(text(ntry, 'RvslInd') ?? ''),
        booked: status === 'BOOK',
      };
      const entryReference = text(ntry, 'AcctSvcrRef');
      const txs = list(at(ntry, 'NtryDtls')).flatMap((d) => list(at(d, 'TxDtls')));
      const everyTxHasAmount = txs.every((tx) => at(tx, 'Amt') !== undefined);
      if (txs.length === 0 || (txs.length > 1 && !everyTxHasAmount)) {
        // A batch booking whose transactions carry no amounts cannot be split without guessing:
        // it is reported as one movement with no end-to-end id, so it stays unmatched.
        push({ source: entrySource, endToEndId: undefined, ...entryAmount, creditDebit: entryCreditDebit, counterpartyAccount: undefined, bankReference: entryReference, ...common });
        return;
      }
      txs.forEach((tx, k) => {
        const source = `${entrySource} tx ${k + 1}`;
        const amount = amountOf(source, at(tx, 'Amt')) ?? entryAmount;
        const cd = text(tx, 'CdtDbtInd') === undefined ? entryCreditDebit : creditDebit(source, text(tx, 'CdtDbtInd'));
        const counterparty = cd === 'DBIT' ? accountId(at(tx, 'RltdPties', 'CdtrAcct')) : accountId(at(tx, 'RltdPties', 'DbtrAcct'));
        push({
          source,
          endToEndId: text(tx, 'Refs', 'EndToEndId'),
          ...amount,
          creditDebit: cd,
          counterpartyAccount: counterparty,
          bankReference: text(tx, 'Refs', 'AcctSvcrRef') ?? text(tx, 'Refs', 'TxId') ?? entryReference,
          ...common,
        });
      });
    });
  });
  return { messageId, createdAt, payments };
}
