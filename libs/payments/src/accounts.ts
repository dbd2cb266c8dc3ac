/**
 * Accounts and their servicing banks (agents) as pain.001 and camt.054 name them: an account is
 * either an IBAN or a domestic account number (a Chinese bank account has no IBAN); an agent is
 * either a BIC or a domestic bank code — in China the CNAPS participant number (支付系统行号,
 * 12 digits), written as a clearing-system member id with clearing system code `CNAPS`.
 */
import { PaymentFileError } from './errors.ts';

/** An account identified by IBAN (ISO 13616). */
export interface IbanAccount {
  /** The IBAN, upper case, without spaces. */
  readonly iban: string;
}

/** An account identified by the bank's own (domestic) account number. */
export interface DomesticAccount {
  /** The account number (银行账号): 1–34 letters or digits, spaces and dashes removed. */
  readonly number: string;
}

export type AccountRef = IbanAccount | DomesticAccount;

/** A bank identified by BIC (ISO 9362). */
export interface BicAgent {
  /** The 8- or 11-character BIC. */
  readonly bic: string;
  /** The bank's name, written to `FinInstnId/Nm` when given. */
  readonly name?: string;
}

/** A bank identified by its domestic clearing code. */
export interface BankCodeAgent {
  /** The clearing-system member id, e.g. a 12-digit CNAPS participant number. */
  readonly bankCode: string;
  /** The clearing system's ISO external code; `CNAPS` when omitted. */
  readonly clearingSystem?: string;
  /** The bank's (branch's) name, written to `FinInstnId/Nm` when given. */
  readonly name?: string;
}

export type AgentRef = BicAgent | BankCodeAgent;

const ibanPattern = /^[A-Z]{2}[0-9]{2}[A-Za-z0-9]{1,30}$/;
const accountNumberPattern = /^[A-Za-z0-9]{1,34}$/;
const bicPattern = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const bankCodePattern = /^[A-Za-z0-9]{1,35}$/;
const clearingSystemPattern = /^[A-Z]{1,5}$/;

/** The ISO 7064 mod 97-10 check of an IBAN. */
function ibanChecksumHolds(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged.toUpperCase()) {
    const digits = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** Spaces and dashes people type into account numbers carry no meaning; the comparison ignores them. */
export function normaliseAccountId(id: string): string {
  return id.replace(/[\s-]/g, '').toUpperCase();
}

/** The account's identifier as a plain string, normalised, for matching. */
export function accountKey(account: AccountRef): string {
  return normaliseAccountId('iban' in account ? account.iban : account.number);
}

/** @throws PaymentFileError ibanMustBeWellFormed | accountNumberMustBeWellFormed */
export function checkAccount(field: string, account: AccountRef): AccountRef {
  if ('iban' in account) {
    if (!ibanPattern.test(account.iban) || !ibanChecksumHolds(account.iban)) {
      throw new PaymentFileError('ibanMustBeWellFormed', `${field} IBAN ${JSON.stringify(account.iban)} is malformed or fails its check digits`);
    }
    return account;
  }
  if (typeof account.number !== 'string' || !accountNumberPattern.test(account.number)) {
    throw new PaymentFileError('accountNumberMustBeWellFormed', `${field} account number ${JSON.stringify(account.number)} must be 1–34 letters or digits`);
  }
  return account;
}

/** @throws PaymentFileError bicMustBeWellFormed | bankCodeMustBeWellFormed */
export function checkAgent(field: string, agent: AgentRef): AgentRef {
  if ('bic' in agent) {
    if (!bicPattern.test(agent.bic)) throw new PaymentFileError('bicMustBeWellFormed', `${field} BIC ${JSON.stringify(agent.bic)} is malformed`);
    return agent;
  }
  if (typeof agent.bankCode !== 'string' || !bankCodePattern.test(agent.bankCode)) {
    throw new PaymentFileError('bankCodeMustBeWellFormed', `${field} bank code ${JSON.stringify(agent.bankCode)} must be 1–35 letters or digits`);
  }
  if (agent.clearingSystem !== undefined && !clearingSystemPattern.test(agent.clearingSystem)) {
    throw new PaymentFileError('bankCodeMustBeWellFormed', `${field} clearing system ${JSON.stringify(agent.clearingSystem)} must be an ISO external code of 1–5 capitals`);
  }
  return agent;
}
