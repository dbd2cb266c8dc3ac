/**
 * Enterprise data the service ingests: registration (工商登记), monthly tax (税务), court cases
 * (司法) and credit-bureau reports (征信). Every record names its enterprise (a USCC whose check
 * character is right), its source and when the source observed it. Records are versioned per
 * (enterprise, kind, key): a changed record becomes the next version, the same record again is
 * "unchanged" and stores nothing.
 *
 * `readRecord` checks one row (from a JSON body or a CSV line, so numbers may come as text) and
 * returns the record or the first rule it breaks, in this order: kind, enterprise, then the
 * kind's fields in the order listed.
 */
import { isValidUscc } from '@cascade/ids';
import { Amount } from '@cascade/money';
import { isCalendarDate, periodPattern } from './time.ts';

export const recordKinds = ['registration', 'tax', 'judicial', 'bureau'] as const;
export type RecordKind = (typeof recordKinds)[number];

export const registrationStatuses = ['active', 'abnormal', 'revoked', 'cancelled'] as const;
export const taxCreditGrades = ['A', 'B', 'C', 'D', 'M'] as const;
export const judicialRoles = ['defendant', 'plaintiff', 'third'] as const;
export const judicialStatuses = ['open', 'closed'] as const;

export interface RegistrationRecord {
  foundedOn: string;
  registeredCapital: string;
  /** GB/T 4754 industry code: a section letter and up to four digits (C3911). */
  industryCode: string;
  legalRepresentative: string;
  address: string;
  status: (typeof registrationStatuses)[number];
}

export interface TaxRecord {
  /** The month the figures are for, YYYY-MM. */
  period: string;
  taxPaid: string;
  invoiceCount: number;
  invoiceAmount: string;
  creditGrade: (typeof taxCreditGrades)[number];
}

export interface JudicialRecord {
  caseId: string;
  filedOn: string;
  role: (typeof judicialRoles)[number];
  amount: string;
  status: (typeof judicialStatuses)[number];
  cause: string;
}

export interface BureauRecord {
  reportDate: string;
  overdueCount: number;
  overdueAmount: string;
}

export type RecordData = RegistrationRecord | TaxRecord | JudicialRecord | BureauRecord;

export interface EnterpriseRecord {
  enterprise: string;
  kind: RecordKind;
  /** What versions are counted per: the kind for registration, the period, the case, the report date. */
  recordKey: string;
  source: string;
  observedAt: string;
  data: RecordData;
}

/** Why a row was refused: the field and the rule. */
export const recordRejectionCodes = {
  recordKindUnknown: 'kind must be registration, tax, judicial or bureau',
  enterpriseInvalid: 'enterprise must be a unified social credit code with a correct check character',
  sourceInvalid: 'source must be 1–64 letters, digits, ".", "_", ":" or "-"',
  observedAtInvalid: 'observedAt must be a UTC instant (ISO 8601, Z) not in the future',
  fieldMissing: 'a field the kind requires is absent',
  dateInvalid: 'a date must be YYYY-MM-DD and a real day, not after the day observed',
  periodInvalid: 'period must be YYYY-MM',
  amountInvalid: 'an amount must be a non-negative string with exactly two decimals',
  countInvalid: 'a count must be a whole number from 0 to 1,000,000',
  valueUnknown: 'the value is not one of those the field allows',
  textInvalid: 'a text field is empty or too long',
} as const;
export type RecordRejectionCode = keyof typeof recordRejectionCodes;

export type ReadRecord = { ok: true; record: EnterpriseRecord } | { ok: false; code: RecordRejectionCode; detail: string };

const sourcePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const casePattern = /^[A-Za-z0-9\u4e00-\u9fff()（）〔〕\[\]._:/-]{1,128}$/;
const industryPattern = /^[A-T](\d{0,4})$/;
/** Clock skew a source's observation time may have ahead of ours. */
export const observedAtSkewMsMax = 5 * 60 * 1000;
export const recordTextCharsMax = 300;
const countMax = 1_000_000;

class Refused extends Error {
  constructor(
    readonly code: RecordRejectionCode,
    detail: string,
  ) {
    super(detail);
  }
}

type Raw = Readonly<Record<string, unknown>>;

function field(raw: Raw, name: string): unknown {
  const v = raw[name];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) throw new Refused('fieldMissing', `${name} is required`);
  return typeof v === 'string' ? v.trim() : v;
}

function date(raw: Raw, name: string, notAfter: string): string {
  const v = field(raw, name);
  if (!isCalendarDate(v)) throw new Refused('dateInvalid', `${name} ${JSON.stringify(v)} is not a calendar date YYYY-MM-DD`);
  if (v > notAfter) throw new Refused('dateInvalid', `${name} ${v} is after the observation date ${notAfter}`);
  return v;
}

function amount(raw: Raw, name: string): string {
  const v = field(raw, name);
  if (!Amount.isValid(v)) throw new Refused('amountInvalid', `${name} ${JSON.stringify(v)} is not an amount with two decimals`);
  return v;
}

function count(raw: Raw, name: string): number {
  const v = field(raw, name);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > countMax) throw new Refused('countInvalid', `${name} ${JSON.stringify(v)} is not a whole number from 0 to ${countMax}`);
  return n;
}

function oneOf<T extends string>(raw: Raw, name: string, values: readonly T[]): T {
  const v = field(raw, name);
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new Refused('valueUnknown', `${name} ${JSON.stringify(v)} is not one of ${values.join(', ')}`);
  return v as T;
}

function text(raw: Raw, name: string, pattern?: RegExp): string {
  const v = field(raw, name);
  if (typeof v !== 'string' || v.length > recordTextCharsMax || (pattern && !pattern.test(v))) throw new Refused('textInvalid', `${name} must be text of 1 to ${recordTextCharsMax} characters${pattern ? ' in the allowed form' : ''}`);
  return v;
}

/** Reads one row as a record of `kind` (or of the row's own `kind` field). `now` bounds observedAt. */
export function readRecord(raw: Raw, now: Date, kindGiven?: string): ReadRecord {
  try {
    const kind = (kindGiven ?? raw.kind) as string;
    if (!(recordKinds as readonly string[]).includes(kind)) throw new Refused('recordKindUnknown', `kind ${JSON.stringify(kind)} is not one of ${recordKinds.join(', ')}`);
    const enterprise = field(raw, 'enterprise');
    if (typeof enterprise !== 'string' || !isValidUscc(enterprise)) throw new Refused('enterpriseInvalid', `enterprise ${JSON.stringify(enterprise)} is not a valid USCC`);
    const source = field(raw, 'source');
    if (typeof source !== 'string' || !sourcePattern.test(source)) throw new Refused('sourceInvalid', `source ${JSON.stringify(source)} is not a source name`);
    const observedAt = field(raw, 'observedAt');
    if (typeof observedAt !== 'string' || !instantPattern.test(observedAt) || Number.isNaN(Date.parse(observedAt)) || Date.parse(observedAt) > now.getTime() + observedAtSkewMsMax) {
      throw new Refused('observedAtInvalid', `observedAt ${JSON.stringify(observedAt)} is not a past UTC instant`);
    }
    const observedOn = observedAt.slice(0, 10);
    const base = { enterprise, kind: kind as RecordKind, source, observedAt: new Date(Date.parse(observedAt)).toISOString() };
    switch (kind as RecordKind) {
      case 'registration': {
        const data: RegistrationRecord = {
          foundedOn: date(raw, 'foundedOn', observedOn),
          registeredCapital: amount(raw, 'registeredCapital'),
          industryCode: text(raw, 'industryCode', industryPattern),
          legalRepresentative: text(raw, 'legalRepresentative'),
          address: text(raw, 'address'),
          status: oneOf(raw, 'status', registrationStatuses),
        };
        return { ok: true, record: { ...base, recordKey: 'registration', data } };
      }
      case 'tax': {
        const period = field(raw, 'period');
        if (typeof period !== 'string' || !periodPattern.test(period)) throw new Refused('periodInvalid', `period ${JSON.stringify(period)} is not YYYY-MM`);
        const data: TaxRecord = { period, taxPaid: amount(raw, 'taxPaid'), invoiceCount: count(raw, 'invoiceCount'), invoiceAmount: amount(raw, 'invoiceAmount'), creditGrade: oneOf(raw, 'creditGrade', taxCreditGrades) };
        return { ok: true, record: { ...base, recordKey: period, data } };
      }
      case 'judicial': {
        const data: JudicialRecord = {
          caseId: text(raw, 'caseId', casePattern),
          filedOn: date(raw, 'filedOn', observedOn),
          role: oneOf(raw, 'role', judicialRoles),
          amount: amount(raw, 'amount'),
          status: oneOf(raw, 'status', judicialStatuses),
          cause: text(raw, 'cause'),
        };
        return { ok: true, record: { ...base, recordKey: data.caseId, data } };
      }
      case 'bureau': {
        const data: BureauRecord = { reportDate: date(raw, 'reportDate', observedOn), overdueCount: count(raw, 'overdueCount'), overdueAmount: amount(raw, 'overdueAmount') };
        return { ok: true, record: { ...base, recordKey: data.reportDate, data } };
      }
    }
  } catch (error) {
    if (error instanceof Refused) return { ok: false, code: error.code, detail: error.message };
    throw error;
  }
  throw new Error('unreachable');
}

/** The fields a CSV import of each kind has, in order (plus enterprise, source, observedAt first). */
export const recordCsvColumns: Readonly<Record<RecordKind, readonly string[]>> = {
  registration: ['foundedOn', 'registeredCapital', 'industryCode', 'legalRepresentative', 'address', 'status'],
  tax: ['period', 'taxPaid', 'invoiceCount', 'invoiceAmount', 'creditGrade'],
  judicial: ['caseId', 'filedOn', 'role', 'amount', 'status', 'cause'],
  bureau: ['reportDate', 'overdueCount', 'overdueAmount'],
};
