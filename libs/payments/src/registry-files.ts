/**
 * `FinancingRegistry` over files: the platform writes each request as a JSON file into
 * `<directory>/outbox/`, whatever a deployment runs against 中登网 (an operator at the web
 * portal, a bank's registry gateway) drops the answer as a JSON file of the same name into
 * `<directory>/inbox/`, and every financing has its record in `<directory>/records/`. No network
 * call is made or pretended here. README.md documents both templates.
 *
 * An answer rarely comes within one call, so a call waits at most `responseWaitMs` and then
 * fails with registryResponseNotYetAvailable; the request stays pending in the record, and
 * calling again with the same input picks up the answer when it has come. Calling with a
 * different input while one is pending is a conflict, never a second request — the same rule as
 * an idempotency key stored with a hash of its input.
 *
 * One writer per financing is assumed (the workflow that owns the financing); records are
 * replaced atomically (write, then rename), so a crash leaves the old or the new record whole.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidUscc } from '@cascade/ids';
import { Amount } from '@cascade/money';
import { PaymentFileError } from './errors.ts';
import type {
  AmendmentResult,
  FinancingRegistration,
  FinancingRegistry,
  FinancingRegistryRecord,
  PriorRegistration,
  Receivable,
  RegistrationAmendment,
  RegistrationKind,
  RegistrationResult,
  RegistryHistoryEntry,
  RegistryOperation,
  RegistryParty,
  ReleaseReason,
  ReleaseResult,
  SearchResult,
} from './registry.ts';
import { checkIsoDate, checkText } from './text.ts';

/** The `template` value both file kinds carry; a file with another is refused. */
export const registryTemplate = 'cascade-zdw-exchange/1';
/** Longest a single call waits for an answer file. */
export const responseWaitMsMax = 60_000;
/** Largest answer file read, in bytes. */
export const responseBytesMax = 4 * 1024 * 1024;
/** Most prior registrations one search answer may list. */
export const searchHitsMax = 1_000;
/** The registry's limits on a registration's term. */
export const termMonthsMin = 1;
export const termMonthsMax = 360;

export interface FileExchangeRegistryOptions {
  /** The exchange directory; `outbox/`, `inbox/` and `records/` are made under it. */
  readonly directory: string;
  /** The clock; injected so tests and replays are deterministic. */
  readonly now: () => Date;
  /** How long one call waits for the answer file; 0 (the default) looks once. At most `responseWaitMsMax`. */
  readonly responseWaitMs?: number;
  /** Pause between looks while waiting. */
  readonly pollIntervalMs?: number;
  /** Injected for tests; defaults to a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const registrationTypeName: Record<RegistrationKind, string> = { transfer: '应收账款转让', pledge: '应收账款质押' };
const financingIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** JSON with keys sorted, so the same input always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function malformed(file: string, what: string): never {
  throw new PaymentFileError('registryResponseMalformed', `${file}: ${what}`);
}

function str(file: string, obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') malformed(file, `${key} must be a non-empty string`);
  return v;
}

function obj(file: string, v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) malformed(file, `${what} must be an object`);
  return v as Record<string, unknown>;
}

function readParty(file: string, v: unknown, what: string): RegistryParty {
  const o = obj(file, v, what);
  return { name: str(file, o, 'name'), uscc: str(file, o, 'uscc') };
}

function readPriorRegistration(file: string, v: unknown, i: number): PriorRegistration {
  const o = obj(file, v, `registrations[${i}]`);
  const kind = o['kind'];
  if (kind !== 'transfer' && kind !== 'pledge') malformed(file, `registrations[${i}].kind must be transfer or pledge`);
  const status = o['status'];
  if (status !== 'active' && status !== 'released' && status !== 'expired') malformed(file, `registrations[${i}].status must be active, released or expired`);
  const amount = o['amount'];
  if (amount !== undefined && !Amount.isValid(amount)) malformed(file, `registrations[${i}].amount must be a two-decimal amount`);
  return {
    registrationNumber: str(file, o, 'registrationNumber'),
    kind,
    registeredAt: str(file, o, 'registeredAt'),
    expiresOn: str(file, o, 'expiresOn'),
    grantor: readParty(file, o['grantor'], `registrations[${i}].grantor`),
    securedParty: readParty(file, o['securedParty'], `registrations[${i}].securedParty`),
    ...(amount === undefined ? {} : { amount }),
    collateralDescription: str(file, o, 'collateralDescription'),
    status,
  };
}

function checkFinancingId(financingId: string): string {
  if (typeof financingId !== 'string' || !financingIdPattern.test(financingId)) {
    throw new PaymentFileError('financingIdMustBeFileSafe', `financing id ${JSON.stringify(financingId)} must be 1–64 of [A-Za-z0-9._-], as it names files`);
  }
  return financingId;
}

function checkParty(field: string, party: RegistryParty): RegistryParty {
  checkText(`${field}.name`, party.name, 140);
  if (!isValidUscc(party.uscc)) throw new PaymentFileError('usccMustBeValid', `${field}.uscc ${JSON.stringify(party.uscc)} is not a valid unified social credit code`);
  return { name: party.name, uscc: party.uscc };
}

function checkAmount(field: string, amount: string): string {
  if (!Amount.isValid(amount) || Amount.parse(amount).toFen() <= 0n) {
    throw new PaymentFileError('amountMustBeTwoDecimalCny', `${field} ${JSON.stringify(amount)} must be a positive two-decimal amount`);
  }
  return amount;
}

function checkTerm(termMonths: number): number {
  if (!Number.isInteger(termMonths) || termMonths < termMonthsMin || termMonths > termMonthsMax) {
    throw new PaymentFileError('termMonthsMustBeWithinRegistryLimits', `termMonths ${termMonths} must be a whole number of months from ${termMonthsMin} to ${termMonthsMax}`);
  }
  return termMonths;
}

function collateralOf(r: Receivable) {
  return {
    voucherId: checkText('receivable.voucherId', r.voucherId, 64),
    rootVoucherId: checkText('receivable.rootVoucherId', r.rootVoucherId, 64),
    obligor: checkParty('receivable.obligor', r.obligor),
    amount: checkAmount('receivable.amount', r.amount),
    maturityDate: checkIsoDate('receivable.maturityDate', r.maturityDate),
    invoiceNumbers: r.invoiceNumbers.map((n, i) => checkText(`receivable.invoiceNumbers[${i}]`, n, 40)),
  };
}

/** The 财产描述 the registry publishes: enough for a searcher to recognise the receivable. */
function collateralDescription(r: Receivable): string {
  const invoices = r.invoiceNumbers.length === 0 ? '' : `；发票 ${r.invoiceNumbers.join('、')}`;
  return `数字债权凭证 ${r.voucherId}（源凭证 ${r.rootVoucherId}），债务人 ${r.obligor.name}（${r.obligor.uscc}），金额 CNY ${r.amount}，到期日 ${r.maturityDate}${invoices}`;
}

export class FileExchangeRegistry implements FinancingRegistry {
  readonly #directory: string;
  readonly #now: () => Date;
  readonly #waitMs: number;
  readonly #pollMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: FileExchangeRegistryOptions) {
    const waitMs = options.responseWaitMs ?? 0;
    if (!(waitMs >= 0 && waitMs <= responseWaitMsMax)) throw new Error(`responseWaitMs must be within 0..${responseWaitMsMax}`);
    this.#directory = options.directory;
    this.#now = options.now;
    this.#waitMs = waitMs;
    this.#pollMs = Math.max(10, options.pollIntervalMs ?? 500);
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Where a request's answer is expected; what a deployment's side writes. */
  responsePath(requestId: string): string {
    return join(this.#directory, 'inbox', `${requestId}.json`);
  }

  /** Where a request is written; what a deployment's side reads. */
  requestPath(requestId: string): string {
    return join(this.#directory, 'outbox', `${requestId}.json`);
  }

  async record(financingId: string): Promise<FinancingRegistryRecord | undefined> {
    const path = join(this.#directory, 'records', `${checkFinancingId(financingId)}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as FinancingRegistryRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async search(financingId: string, receivable: Receivable): Promise<SearchResult> {
    checkFinancingId(financingId);
    const body = { grantor: checkParty('receivable.holder', receivable.holder), collateral: collateralOf(receivable) };
    const r = await this.#exchange(financingId, 'search', body, (record) => {
      if (record.status === 'registered' || record.status === 'released') return 'a search is made before registering, not after';
      return undefined;
    });
    const result = obj(r.file, r.result, 'result');
    const registrations = result['registrations'];
    if (!Array.isArray(registrations)) malformed(r.file, 'result.registrations must be an array');
    if (registrations.length > searchHitsMax) malformed(r.file, `result.registrations lists more than ${searchHitsMax} hits`);
    const searchResult: SearchResult = {
      searchReportNumber: str(r.file, result, 'searchReportNumber'),
      searchedAt: str(r.file, result, 'searchedAt'),
      registrations: registrations.map((v, i) => readPriorRegistration(r.file, v, i)),
    };
    await r.commit(searchResult, (record) => ({ ...record, status: 'searched' }));
    return searchResult;
  }

  async register(financing: FinancingRegistration): Promise<RegistrationResult> {
    const financingId = checkFinancingId(financing.financingId);
    const body = {
      registrationType: registrationTypeName[financing.kind],
      kind: financing.kind,
      grantor: checkParty('receivable.holder', financing.receivable.holder),
      securedParty: checkParty('funder', financing.funder),
      principalAmount: checkAmount('principalAmount', financing.principalAmount),
      financingDate: checkIsoDate('financingDate', financing.financingDate),
      termMonths: checkTerm(financing.termMonths),
      collateral: collateralOf(financing.receivable),
      collateralDescription: collateralDescription(financing.receivable),
    };
    const r = await this.#exchange(financingId, 'register', body, (record) => {
      if (record.status === 'new') return 'earlier registrations must be searched for before registering';
      if (record.status !== 'searched') return `the financing is already ${record.status}`;
      return undefined;
    });
    const result = obj(r.file, r.result, 'result');
    const registration: RegistrationResult = {
      registrationNumber: str(r.file, result, 'registrationNumber'),
      registeredAt: str(r.file, result, 'registeredAt'),
      expiresOn: str(r.file, result, 'expiresOn'),
    };
    await r.commit(registration, (record) => ({ ...record, status: 'registered', registrationNumber: registration.registrationNumber, expiresOn: registration.expiresOn }));
    return registration;
  }

  async amend(financingId: string, amendment: RegistrationAmendment): Promise<AmendmentResult> {
    checkFinancingId(financingId);
    const existing = await this.record(financingId);
    const body = {
      registrationNumber: existing?.registrationNumber,
      principalAmount: amendment.principalAmount === undefined ? undefined : checkAmount('principalAmount', amendment.principalAmount),
      termMonths: amendment.termMonths === undefined ? undefined : checkTerm(amendment.termMonths),
      reason: checkText('reason', amendment.reason, 500),
    };
    const r = await this.#exchange(financingId, 'amend', body, (record) => (record.status === 'registered' ? undefined : `only a registered financing can be amended; it is ${record.status}`));
    const result = obj(r.file, r.result, 'result');
    const amended: AmendmentResult = {
      registrationNumber: str(r.file, result, 'registrationNumber'),
      amendedAt: str(r.file, result, 'amendedAt'),
      expiresOn: str(r.file, result, 'expiresOn'),
    };
    await r.commit(amended, (record) => ({ ...record, expiresOn: amended.expiresOn }));
    return amended;
  }

  async release(financingId: string, reason: ReleaseReason): Promise<ReleaseResult> {
    checkFinancingId(financingId);
    const existing = await this.record(financingId);
    const body = { registrationNumber: existing?.registrationNumber, reason };
    const r = await this.#exchange(financingId, 'release', body, (record) => (record.status === 'registered' ? undefined : `only a registered financing can be released; it is ${record.status}`));
    const result = obj(r.file, r.result, 'result');
    const released: ReleaseResult = { registrationNumber: str(r.file, result, 'registrationNumber'), releasedAt: str(r.file, result, 'releasedAt') };
    await r.commit(released, (record) => ({ ...record, status: 'released' }));
    return released;
  }

  /**
   * Makes (or continues) one request and returns its answer; the caller reads the result and
   * commits it to the record. `refuse` names why the record's state forbids a new request.
   */
  async #exchange(
    financingId: string,
    operation: RegistryOperation,
    body: Record<string, unknown>,
    refuse: (record: FinancingRegistryRecord) => string | undefined,
  ): Promise<{
    file: string;
    result: unknown;
    commit: (result: NonNullable<RegistryHistoryEntry['result']>, evolve: (r: FinancingRegistryRecord) => FinancingRegistryRecord) => Promise<void>;
  }> {
    const requestHash = createHash('sha256').update(canonicalJson({ operation, financingId, body })).digest('hex');
    let record: FinancingRegistryRecord = (await this.record(financingId)) ?? { financingId, status: 'new', history: [] };
    let pending = record.pending;
    if (pending !== undefined) {
      if (pending.operation !== operation || pending.requestHash !== requestHash) {
        throw new PaymentFileError('registryRequestConflicts', `financing ${financingId} has ${pending.operation} request ${pending.requestId} pending with other input; it must be answered first`);
      }
    } else {
      const reason = refuse(record);
      if (reason !== undefined) throw new PaymentFileError('registryStateForbidsOperation', `financing ${financingId}: ${reason}`);
      const sequence = record.history.filter((h) => h.operation === operation).length + 1;
      const requestId = `${operation}-${financingId}-${sequence}`;
      const requestedAt = this.#now().toISOString();
      pending = { operation, requestId, requestHash, requestedAt };
      const request = { template: registryTemplate, requestId, operation, financingId, createdAt: requestedAt, body };
      await this.#writeAtomically(this.requestPath(requestId), `${JSON.stringify(request, null, 2)}\n`);
      record = { ...record, pending };
      await this.#saveRecord(record);
    }

    const answer = await this.#awaitResponse(pending.requestId);
    const file = this.responsePath(pending.requestId);
    const response = obj(file, answer, 'response');
    if (response['template'] !== registryTemplate) malformed(file, `template must be ${registryTemplate}`);
    if (response['requestId'] !== pending.requestId) malformed(file, `requestId must be ${pending.requestId}`);
    const respondedAt = str(file, response, 'respondedAt');
    const status = response['status'];
    const base = { operation, requestId: pending.requestId, requestedAt: pending.requestedAt, respondedAt };
    const withoutPending = (r: FinancingRegistryRecord): FinancingRegistryRecord => {
      const { pending: _done, ...rest } = r;
      return rest;
    };
    if (status === 'rejected') {
      const rej = obj(file, response['rejection'], 'rejection');
      const rejection = { code: str(file, rej, 'code'), message: str(file, rej, 'message') };
      await this.#saveRecord(withoutPending({ ...record, history: [...record.history, { ...base, outcome: 'rejected', rejection }] }));
      throw new PaymentFileError('registryRejected', `registry rejected ${pending.requestId}: ${rejection.code} ${rejection.message}`);
    }
    if (status !== 'ok') malformed(file, 'status must be ok or rejected');
    const current = record;
    return {
      file,
      result: response['result'],
      commit: async (result, evolve) => {
        await this.#saveRecord(evolve(withoutPending({ ...current, history: [...current.history, { ...base, outcome: 'ok', result }] })));
      },
    };
  }

  async #awaitResponse(requestId: string): Promise<unknown> {
    const path = this.responsePath(requestId);
    const deadline = Date.now() + this.#waitMs;
    for (;;) {
      let text: string | undefined;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (text !== undefined) {
        if (Buffer.byteLength(text, 'utf8') > responseBytesMax) malformed(path, `larger than ${responseBytesMax} bytes`);
        try {
          return JSON.parse(text) as unknown;
        } catch {
          malformed(path, 'not JSON');
        }
      }
      if (Date.now() >= deadline) {
        throw new PaymentFileError('registryResponseNotYetAvailable', `no answer yet to ${requestId}: expected at ${path}; call again with the same input`);
      }
      await this.#sleep(Math.min(this.#pollMs, Math.max(0, deadline - Date.now())));
    }
  }

  async #saveRecord(record: FinancingRegistryRecord): Promise<void> {
    await this.#writeAtomically(join(this.#directory, 'records', `${record.financingId}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }

  async #writeAtomically(path: string, text: string): Promise<void> {
    // The inbox is made with the first write too, so the deployment's side finds it ready.
    for (const sub of ['outbox', 'inbox', 'records']) await mkdir(join(this.#directory, sub), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  }
}
