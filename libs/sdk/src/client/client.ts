/**
 * The Cascade API client, for Node and browsers (it needs only `fetch` and Web Crypto). Every call
 * goes through one `request`: JSON in and out, the bearer token, problem+json turned into a
 * `CascadeProblem`, and safe retries — a network error, a 429 or a 5xx is retried with backoff
 * (`retriesMax`), a mutating request always with the same Idempotency-Key, so a retry can never
 * act twice. Commands are built, canonicalised and signed here; a 202 is followed to the outcome.
 */
import type { AnyCommandPayloads, AnyCommandType, Command, CommandPayloads, CommandType, LoginCommand, ServiceCommandPayloads, SignedCommand } from '../contract/commands.ts';
import { commandOperation, operations, pathOf, type OperationId } from '../contract/operations.ts';
import type {
  Balances,
  BlockList,
  ChainInfo,
  CommandAccepted,
  CommandOutcome,
  CommandPending,
  CreditLinePage,
  LoginResponse,
  DirectoryPage,
  PartyInfo,
  PartyPage,
  PayablePage,
  Problem,
  Proof,
  TokenInfo,
  TokenPage,
  VoucherHistory,
  VoucherPage,
  VoucherTree,
  VoucherView,
} from '../contract/schemas.ts';
import type {
  Alert,
  Assessment,
  AssessmentRerun,
  AssessmentWithInputs,
  ContractInput,
  ContractRecord,
  DeliveryInput,
  DeliveryRecord,
  EnterpriseRecordVersion,
  EnterpriseScore,
  FinancingRegistryView,
  ImportFormat,
  ImportMode,
  ImportSummary,
  IngestReport,
  InvoiceInput,
  InvoiceRecord,
  Matching,
  Page,
  PayableRecord,
  PaymentInput,
  PaymentRecord,
  Product,
  ProductTerms,
  VerificationStatus,
  ScheduledAction,
  WebhookDelivery,
  WebhookEndpoint,
} from '../contract/services.ts';
import type { BankAccount, BankAccountInput, BlockedPaymentEntry, PaymentEntry, PaymentFile, PaymentNotificationReport } from '../contract/payments.ts';
import { readEventStream, type LiveEventData, type StreamedEvent } from './events.ts';
import { newNonce, signBytesAsync, signCommandAsync, type AnySigner } from './signing.ts';
import { canonicalBytes } from '@cascade/crypto/browser';

/** Retries of one request after a network error, 429 or 5xx. */
export const retriesMaxDefault = 4;
export const retryDelayMsFirst = 100;
export const retryDelayMsMax = 2_000;
/** How long `command` follows a 202 before it gives up (the command may still be decided later). */
export const followTimeoutMsDefault = 60_000;

/** A refusal from the platform, with its RFC 9457 problem. */
export class CascadeProblem extends Error {
  override readonly name = 'CascadeProblem';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${problem.code}: ${problem.detail ?? problem.title}`);
  }
  get code(): string {
    return this.problem.code;
  }
}

/** The platform could not be reached (after the retries). */
export class CascadeUnavailable extends Error {
  override readonly name = 'CascadeUnavailable';
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  retriesMax?: number;
  followTimeoutMs?: number;
  /** Chain id, if known; otherwise read once from GET /v1/chain. */
  chainId?: string;
  /** Injected clock (for createdAt). */
  now?: () => Date;
}

export interface RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /**
   * A body sent as it is, not as JSON (a file to import), with its content type and any extra
   * headers (`content-digest`). A stream is sent once (it cannot be read twice): no retry.
   */
  raw?: { body: string | Uint8Array | Blob | ReadableStream<Uint8Array>; contentType: string; headers?: Record<string, string> };
}

/** A file to import: its bytes, or a stream of them (sent once, without retries). */
export type ImportBody = string | Uint8Array | Blob | ReadableStream<Uint8Array>;

export interface CommandOptions {
  /** Defaults to the first signer's party, as `actor` is set by `as`. */
  nonce?: string;
  idempotencyKey?: string;
  /** Return the 202 instead of following it. */
  noFollow?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CascadeClient {
  private token: string | undefined;
  private chainId: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly retriesMax: number;

  constructor(private readonly options: ClientOptions) {
    this.token = options.token;
    this.chainId = options.chainId;
    this.fetchFn = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.retriesMax = options.retriesMax ?? retriesMaxDefault;
  }

  setToken(token: string | undefined): void {
    this.token = token;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** One HTTP exchange with retries; resolves with status and body, throws CascadeProblem for ≥ 400. */
  async request<T>(operation: OperationId, options: RequestOptions = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const op = operations[operation];
    let url = this.options.baseUrl.replace(/\/$/, '') + pathOf(op.path, options.params ?? {});
    const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined);
    if (query.length > 0) url += `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.raw) Object.assign(headers, { 'content-type': options.raw.contentType }, options.raw.headers ?? {});
    if (op.method !== 'GET' && operation !== 'login') headers['idempotency-key'] = options.idempotencyKey ?? newNonce();
    const body = options.raw ? options.raw.body : options.body === undefined ? undefined : JSON.stringify(options.body);
    const streamed = typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
    const attemptsMax = streamed ? 0 : this.retriesMax;
    let lastError: unknown;
    for (let attempt = 0; attempt <= attemptsMax; attempt++) {
      if (attempt > 0) await sleep(Math.min(retryDelayMsMax, retryDelayMsFirst * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await this.fetchFn(url, { method: op.method, headers, body, ...(streamed ? { duplex: 'half' } : {}) } as RequestInit);
      } catch (error) {
        lastError = error;
        continue;
      }
      const text = await res.text();
      // A document (a payment file's XML) is answered as its text; everything else is JSON.
      const parsed = text.length === 0 ? null : /^application\/xml\b/i.test(res.headers.get('content-type') ?? '') ? text : (JSON.parse(text) as unknown);
      if (res.status === 429 || res.status >= 500) {
        lastError = new CascadeProblem(res.status, parsed as Problem);
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0 && attempt < attemptsMax) await sleep(Math.min(after * 1000, retryDelayMsMax * 5));
        continue;
      }
      if (res.status >= 400) throw new CascadeProblem(res.status, parsed as Problem);
      return { status: res.status, body: parsed as T, headers: res.headers };
    }
    if (lastError instanceof CascadeProblem) throw lastError;
    throw new CascadeUnavailable(`${op.method} ${url} failed after ${attemptsMax + 1} attempt(s): ${(lastError as Error)?.message ?? lastError}`);
  }

  private async get<T>(operation: OperationId, params?: Record<string, string>, query?: RequestOptions['query']): Promise<T> {
    return (await this.request<T>(operation, { params, query })).body;
  }

  // ---- the chain and sessions

  async chain(): Promise<ChainInfo> {
    return this.get<ChainInfo>('getChain');
  }

  private async chainIdOf(): Promise<string> {
    this.chainId ??= (await this.chain()).chainId;
    return this.chainId;
  }

  /**
   * Logs in as `partyId` by signing a `session.login` command with one of its registered keys;
   * the client then uses the token. No password exists anywhere.
   */
  async login(partyId: string, signer: AnySigner, options: { label?: string; ttlSeconds?: number } = {}): Promise<LoginResponse> {
    const command: LoginCommand = {
      type: 'session.login',
      chain: await this.chainIdOf(),
      actor: partyId,
      nonce: newNonce(),
      createdAt: this.now().toISOString(),
      payload: { ...(options.label ? { label: options.label } : {}), ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) },
    };
    const body = { command, signatures: await signBytesAsync(canonicalBytes(command), [signer]) };
    const res = await this.request<LoginResponse>('login', { body });
    this.token = res.body.token;
    return res.body;
  }

  /**
   * The operator issues a bearer token to a registered party (shown once, in the answer only; the
   * gateway keeps its hash). The lifetime is capped by the gateway's maximum. Not kept for an
   * Idempotency-Key replay (the answer holds the secret), so a retried issue may issue a second
   * token: list the party's tokens and revoke what is not used.
   */
  /** A retry (same key) after a lost answer is refused `tokenAlreadyIssued` naming the token, never given a second one. */
  async issueToken(partyId: string, options: { label?: string; ttlSeconds?: number; idempotencyKey?: string } = {}): Promise<LoginResponse> {
    const body = { partyId, ...(options.label ? { label: options.label } : {}), ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) };
    return this.post('issueToken', body, undefined, options.idempotencyKey);
  }

  listTokens(query: { party?: string; after?: string; limit?: number } = {}): Promise<TokenPage> {
    return this.get('listTokens', undefined, query);
  }

  async revokeToken(tokenId: string): Promise<TokenInfo> {
    return (await this.request<TokenInfo>('revokeToken', { params: { tokenId } })).body;
  }

  // ---- commands

  /** Builds the command `actor` signs: this ledger's chain, a fresh nonce, now. */
  async buildCommand<T extends AnyCommandType>(type: T, actor: string, payload: AnyCommandPayloads[T], nonce = newNonce()): Promise<Command<T>> {
    return { type, chain: await this.chainIdOf(), actor, nonce, createdAt: this.now().toISOString(), payload };
  }

  /**
   * Signs and submits a command; resolves with the ledger's acceptance (following a 202 until the
   * outcome), throws CascadeProblem with the refusal. Retries reuse the Idempotency-Key and the
   * signed body, so the ledger sees one command whatever the network does.
   */
  async command<T extends CommandType>(type: T, actor: string, payload: CommandPayloads[T], signers: readonly AnySigner[], options: CommandOptions = {}): Promise<CommandAccepted> {
    const signed = (await signCommandAsync(await this.buildCommand(type, actor, payload as AnyCommandPayloads[T], options.nonce), signers)) as SignedCommand;
    return this.submit(signed, options);
  }

  /** Submits an already signed command to the route of its type. */
  async submit(signed: SignedCommand, options: Omit<CommandOptions, 'nonce'> = {}): Promise<CommandAccepted> {
    const operation = commandOperation[signed.command.type];
    const op = operations[operation];
    const params: Record<string, string> = {};
    for (const [param, field] of Object.entries(('bind' in op ? op.bind : undefined) ?? {})) {
      params[param] = field === 'actor' ? signed.command.actor : String((signed.command.payload as Record<string, unknown>)[field]);
    }
    const res = await this.request<CommandAccepted | CommandPending>(operation, { params, body: signed, idempotencyKey: options.idempotencyKey ?? newNonce() });
    if (res.status === 202) {
      if (options.noFollow) return res.body as unknown as CommandAccepted;
      return this.follow(signed.command.actor, signed.command.nonce);
    }
    return res.body as CommandAccepted;
  }

  /** Polls a command's outcome until the ledger has decided it (or `followTimeoutMs` passes). */
  async follow(actor: string, nonce: string): Promise<CommandAccepted> {
    const deadline = Date.now() + (this.options.followTimeoutMs ?? followTimeoutMsDefault);
    let delay = 200;
    while (Date.now() < deadline) {
      const res = await this.request<CommandOutcome | CommandPending>('getCommandResult', { params: { actor, nonce } });
      if (res.status === 200) {
        const outcome = res.body as CommandOutcome;
        if (outcome.status === 'refused') throw new CascadeProblem(outcome.problem.status, outcome.problem);
        return outcome;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 2_000);
    }
    throw new CascadeUnavailable(`the ledger had not decided ${actor}/${nonce} within ${this.options.followTimeoutMs ?? followTimeoutMsDefault} ms; GET /v1/commands/${actor}/${nonce} later`);
  }

  commandResult(actor: string, nonce: string): Promise<CommandOutcome | CommandPending> {
    return this.get('getCommandResult', { actor, nonce });
  }

  // ---- reads

  getParty(partyId: string): Promise<PartyInfo> {
    return this.get('getParty', { partyId });
  }
  /** The directory: parties whose name contains `q`, or whose party id or USCC starts with it (no keys). */
  searchDirectory(q: string, query: { after?: string; limit?: number } = {}): Promise<DirectoryPage> {
    return this.get('searchDirectory', undefined, { q, ...query });
  }
  listParties(query: { after?: string; limit?: number } = {}): Promise<PartyPage> {
    return this.get('listParties', undefined, query);
  }
  getVoucher(voucherId: string): Promise<VoucherView> {
    return this.get('getVoucher', { voucherId });
  }
  getVoucherTree(voucherId: string): Promise<VoucherTree> {
    return this.get('getVoucherTree', { voucherId });
  }
  getVoucherHistory(voucherId: string): Promise<VoucherHistory> {
    return this.get('getVoucherHistory', { voucherId });
  }
  listVouchers(query: { party?: string; role?: 'holder' | 'issuer' | 'any'; status?: string; rootId?: string; maturityBefore?: string; after?: string; limit?: number } = {}): Promise<VoucherPage> {
    return this.get('listVouchers', undefined, query);
  }
  getBalances(partyId: string): Promise<Balances> {
    return this.get('getBalances', { partyId });
  }
  listCreditLines(query: { party?: string; after?: string; limit?: number } = {}): Promise<CreditLinePage> {
    return this.get('listCreditLines', undefined, query);
  }
  listBlocks(query: { from?: number; limit?: number } = {}): Promise<BlockList> {
    return this.get('listBlocks', undefined, query);
  }
  getProof(opId: string): Promise<Proof> {
    return this.get('getProof', { opId });
  }
  /** Payables as the ledger recorded them (what vouchers are issued on, with what is left of each). */
  listRecordedPayables(query: { party?: string; role?: 'debtor' | 'creditor' | 'any'; after?: string; limit?: number } = {}): Promise<PayablePage> {
    return this.get('listRecordedPayables', undefined, query);
  }

  // ---- trade records (四流合一), answered by the invoices service

  private async post<T>(operation: OperationId, body: unknown, params?: Record<string, string>, idempotencyKey?: string): Promise<T> {
    return (await this.request<T>(operation, { body, ...(params ? { params } : {}), idempotencyKey: idempotencyKey ?? newNonce() })).body;
  }

  recordContract(input: ContractInput, options: { idempotencyKey?: string } = {}): Promise<ContractRecord> {
    return this.post('recordContract', input, undefined, options.idempotencyKey);
  }
  listContracts(query: { after?: string; limit?: number } = {}): Promise<Page<ContractRecord>> {
    return this.get('listContracts', undefined, query);
  }
  getContract(contractId: string): Promise<ContractRecord> {
    return this.get('getContract', { contractId });
  }
  registerInvoice(input: InvoiceInput, options: { idempotencyKey?: string } = {}): Promise<InvoiceRecord> {
    return this.post('registerInvoice', input, undefined, options.idempotencyKey);
  }
  listInvoices(query: { after?: string; limit?: number; verification?: VerificationStatus } = {}): Promise<Page<InvoiceRecord>> {
    return this.get('listInvoices', undefined, query);
  }
  getInvoice(invoiceId: string): Promise<InvoiceRecord> {
    return this.get('getInvoice', { invoiceId });
  }
  /**
   * Imports a CSV or JSON file of invoices, streamed to the invoices service; resolves with the
   * summary (the refused rows, the first 1,000). `contentDigest` (RFC 9530, `sha-256=:…:`) names
   * the file in the Idempotency-Key's record, so a retry of another file under the same key is
   * refused. A stream is sent once; bytes or a Blob are retried like any request.
   */
  async importInvoices(file: ImportBody, options: { format: ImportFormat; mode: ImportMode; contentDigest?: string; idempotencyKey?: string }): Promise<ImportSummary> {
    const contentType = options.format === 'csv' ? 'text/csv' : 'application/json';
    const raw = { body: file, contentType, ...(options.contentDigest ? { headers: { 'content-digest': options.contentDigest } } : {}) };
    return (await this.request<ImportSummary>('importInvoices', { query: { format: options.format, mode: options.mode }, raw, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }
  recordDelivery(input: DeliveryInput, options: { idempotencyKey?: string } = {}): Promise<DeliveryRecord> {
    return this.post('recordDelivery', input, undefined, options.idempotencyKey);
  }
  listDeliveries(query: { contractId?: string; after?: string; limit?: number } = {}): Promise<Page<DeliveryRecord>> {
    return this.get('listDeliveries', undefined, query);
  }
  getDelivery(deliveryId: string): Promise<DeliveryRecord> {
    return this.get('getDelivery', { deliveryId });
  }
  recordPayment(input: PaymentInput, options: { idempotencyKey?: string } = {}): Promise<PaymentRecord> {
    return this.post('recordPayment', input, undefined, options.idempotencyKey);
  }
  listPayments(query: { after?: string; limit?: number } = {}): Promise<Page<PaymentRecord>> {
    return this.get('listPayments', undefined, query);
  }
  getPayment(paymentId: string): Promise<PaymentRecord> {
    return this.get('getPayment', { paymentId });
  }

  /**
   * The core enterprise confirms a payable against invoices it owes: a `payable.confirm` command,
   * built and signed like a ledger command (this chain, a fresh nonce, now; RFC 8785 bytes), which
   * the invoices service decides. Resolves with the payable (status `confirmed`; `recorded` once
   * the ledger has the signed fact). A retry reuses the Idempotency-Key and the signed body; the
   * same command sent again later answers the stored payable with `replayed: true`.
   */
  async confirmPayable(actor: string, payload: ServiceCommandPayloads['payable.confirm'], signers: readonly AnySigner[], options: CommandOptions = {}): Promise<PayableRecord> {
    const signed = await signCommandAsync(await this.buildCommand('payable.confirm', actor, payload, options.nonce), signers);
    return this.post('confirmPayable', signed, undefined, options.idempotencyKey);
  }
  /** Payables the caller confirmed or is owed, with four-flow score, usage and status (the invoices service's view). */
  listPayables(query: { after?: string; limit?: number } = {}): Promise<Page<PayableRecord>> {
    return this.get('listPayables', undefined, query);
  }
  getPayable(payableId: string): Promise<PayableRecord> {
    return this.get('getPayable', { payableId });
  }

  // ---- risk, answered by the risk service

  /** (operator, regulator) Ingest enterprise records: registration, tax, judicial, bureau. */
  ingestEnterpriseRecords(records: Record<string, unknown>[], options: { idempotencyKey?: string } = {}): Promise<IngestReport> {
    return this.post('ingestEnterpriseRecords', { records }, undefined, options.idempotencyKey);
  }
  /** (operator, regulator) The same from a file's text: CSV of one `kind`, or a JSON array. */
  importEnterpriseRecords(input: { format: 'csv' | 'json'; content: string; kind?: 'registration' | 'tax' | 'judicial' | 'bureau' }, options: { idempotencyKey?: string } = {}): Promise<IngestReport> {
    return this.post('importEnterpriseRecords', input, undefined, options.idempotencyKey);
  }
  getEnterpriseScore(enterprise: string): Promise<EnterpriseScore> {
    return this.get('getEnterpriseScore', { enterprise });
  }
  getEnterpriseRecords(enterprise: string, query: { limit?: number } = {}): Promise<{ items: EnterpriseRecordVersion[] }> {
    return this.get('getEnterpriseRecords', { enterprise }, query);
  }
  listRiskParkedEvents(query: { limit?: number } = {}): Promise<{ items: Record<string, unknown>[] }> {
    return this.get('listRiskParkedEvents', undefined, query);
  }
  /** (funder) Publish one of its products, or a new version of it. */
  async publishProduct(productId: string, terms: ProductTerms, options: { idempotencyKey?: string } = {}): Promise<Product> {
    return (await this.request<Product>('publishProduct', { params: { productId }, body: terms, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }
  async withdrawProduct(productId: string, options: { idempotencyKey?: string } = {}): Promise<Product> {
    return (await this.request<Product>('withdrawProduct', { params: { productId }, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }
  listProducts(query: { funder?: string; afterFunder?: string; afterProduct?: string; limit?: number } = {}): Promise<{ items: Product[] }> {
    return this.get('listProducts', undefined, query);
  }
  /** Which products fit a voucher the caller holds, cheapest first (and why the others do not). */
  matchProducts(voucherId: string, limits: { maxAnnualRate?: string; maxFees?: string } = {}): Promise<Matching> {
    return this.get('matchProducts', { voucherId }, limits);
  }
  /** (funder, regulator) Assessments of financing requests made to the caller, newest first. */
  listAssessments(query: { voucherId?: string; before?: string; limit?: number } = {}): Promise<Page<Assessment>> {
    return this.get('listAssessments', undefined, query);
  }
  getAssessment(assessmentId: string): Promise<AssessmentWithInputs> {
    return this.get('getAssessment', { assessmentId });
  }
  rerunAssessment(assessmentId: string): Promise<AssessmentRerun> {
    return this.post('rerunAssessment', undefined, { assessmentId });
  }
  listAlerts(query: { open?: boolean; subject?: string; before?: string; limit?: number } = {}): Promise<Page<Alert>> {
    return this.get('listAlerts', undefined, query);
  }
  acknowledgeAlert(alertId: string, note?: string, options: { idempotencyKey?: string } = {}): Promise<Alert> {
    return this.post('acknowledgeAlert', note === undefined ? {} : { note }, { alertId }, options.idempotencyKey);
  }

  // Webhooks and the schedule (workflows service).
  /** Registers a URL for the caller's events; the answer carries the signing secret, shown only now. */
  registerWebhook(url: string, options: { idempotencyKey?: string } = {}): Promise<WebhookEndpoint & { secret: string }> {
    return this.post('registerWebhook', { url }, undefined, options.idempotencyKey);
  }
  listWebhooks(): Promise<{ endpoints: WebhookEndpoint[] }> {
    return this.get('listWebhooks');
  }
  async deleteWebhook(webhookId: string, options: { idempotencyKey?: string } = {}): Promise<{ id: string; deleted: boolean }> {
    return (await this.request<{ id: string; deleted: boolean }>('deleteWebhook', { params: { webhookId }, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }
  listWebhookDeliveries(query: { state?: WebhookDelivery['state']; after?: string; limit?: number } = {}): Promise<{ deliveries: WebhookDelivery[] }> {
    return this.get('listWebhookDeliveries', undefined, query);
  }
  replayWebhookDelivery(deliveryId: string, options: { idempotencyKey?: string } = {}): Promise<{ id: string; state: string }> {
    return this.post('replayWebhookDelivery', {}, { deliveryId }, options.idempotencyKey);
  }
  listSchedule(query: { state?: 'pending' | 'enqueued' | 'done' | 'cancelled' | 'failed'; limit?: number } = {}): Promise<{ actions: ScheduledAction[] }> {
    return this.get('listSchedule', undefined, query);
  }
  /** (the holder, the funder named in the request, operator, regulator) The voucher's latest financing and its registry (中登网) record: the search's hits, the registration, the release. */
  getFinancingRegistry(voucherId: string): Promise<FinancingRegistryView> {
    return this.get('getFinancingRegistry', { voucherId });
  }

  // Bank accounts, payment files and bank notifications (workflows service).
  /** Registers or replaces the caller's settlement account. */
  async registerBankAccount(input: BankAccountInput, options: { idempotencyKey?: string } = {}): Promise<BankAccount> {
    return (await this.request<BankAccount>('registerBankAccount', { body: input, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }
  getBankAccount(partyId: string): Promise<BankAccount> {
    return this.get('getBankAccount', { partyId });
  }
  /** The caller's payment files, the entries it pays or is paid that wait for a bank account, and the entries that pay it (its disbursements and payouts, in whatever state). */
  listPaymentFiles(query: { after?: string; limit?: number } = {}): Promise<{ files: PaymentFile[]; blocked: BlockedPaymentEntry[]; incoming: PaymentEntry[] }> {
    return this.get('listPaymentFiles', undefined, query);
  }
  /** One payment file's pain.001.001.09 XML, as written. */
  getPaymentFile(fileId: string): Promise<string> {
    return this.get('getPaymentFile', { fileId });
  }
  /** Imports a bank notification: camt.054.001.08 XML or the bank CSV template. */
  async importPaymentNotification(file: ImportBody, options: { format: 'camt.054' | 'csv'; idempotencyKey?: string }): Promise<PaymentNotificationReport> {
    const raw = { body: file, contentType: options.format === 'csv' ? 'text/csv' : 'application/xml' };
    return (await this.request<PaymentNotificationReport>('importPaymentNotification', { raw, idempotencyKey: options.idempotencyKey ?? newNonce() })).body;
  }

  // ---- live events

  /**
   * Opens the caller's live event stream (`GET /v1/events`) and yields its events — each ledger
   * event that concerns the caller, with what it may see, and an `end` event with the reason the
   * gateway closes it — until it ends or `signal` aborts. Not retried: a caller that wants to stay
   * subscribed reconnects (with a backoff) and reloads what it shows. Throws CascadeProblem for a
   * refusal (401, 429 past the streams a token may hold). `onOpen` is called once the gateway
   * has answered 200 (the stream is attached), before any event.
   */
  async *streamEvents(options: { signal?: AbortSignal; onOpen?: () => void } = {}): AsyncGenerator<StreamedEvent<LiveEventData | { reason: string }>> {
    const url = this.options.baseUrl.replace(/\/$/, '') + operations.streamEvents.path;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchFn(url, { method: 'GET', headers, ...(options.signal ? { signal: options.signal } : {}) });
    if (res.status !== 200 || !res.body) {
      const text = await res.text();
      throw new CascadeProblem(res.status, (text ? JSON.parse(text) : { type: 'about:blank', title: `HTTP ${res.status}`, status: res.status }) as Problem);
    }
    options.onOpen?.();
    yield* readEventStream<LiveEventData | { reason: string }>(res.body, options.signal);
  }
}
