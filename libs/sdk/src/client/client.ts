/**
 * The Cascade API client, for Node and browsers (it needs only `fetch` and Web Crypto). Every call
 * goes through one `request`: JSON in and out, the bearer token, problem+json turned into a
 * `CascadeProblem`, and safe retries — a network error, a 429 or a 5xx is retried with backoff
 * (`retriesMax`), a mutating request always with the same Idempotency-Key, so a retry can never
 * act twice. Commands are built, canonicalised and signed here; a 202 is followed to the outcome.
 */
import type { Command, CommandPayloads, CommandType, LoginCommand, SignedCommand } from '../contract/commands.ts';
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
import { newNonce, signBytes, signCommand, type Signer } from './signing.ts';
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
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotencyKey?: string;
}

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
    if (op.method !== 'GET' && operation !== 'login') headers['idempotency-key'] = options.idempotencyKey ?? newNonce();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.retriesMax; attempt++) {
      if (attempt > 0) await sleep(Math.min(retryDelayMsMax, retryDelayMsFirst * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await this.fetchFn(url, { method: op.method, headers, body });
      } catch (error) {
        lastError = error;
        continue;
      }
      const text = await res.text();
      const parsed = text.length > 0 ? (JSON.parse(text) as unknown) : null;
      if (res.status === 429 || res.status >= 500) {
        lastError = new CascadeProblem(res.status, parsed as Problem);
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0 && attempt < this.retriesMax) await sleep(Math.min(after * 1000, retryDelayMsMax * 5));
        continue;
      }
      if (res.status >= 400) throw new CascadeProblem(res.status, parsed as Problem);
      return { status: res.status, body: parsed as T, headers: res.headers };
    }
    if (lastError instanceof CascadeProblem) throw lastError;
    throw new CascadeUnavailable(`${op.method} ${url} failed after ${this.retriesMax + 1} attempts: ${(lastError as Error)?.message ?? lastError}`);
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
  async login(partyId: string, signer: Signer, options: { label?: string; ttlSeconds?: number } = {}): Promise<LoginResponse> {
    const command: LoginCommand = {
      type: 'session.login',
      chain: await this.chainIdOf(),
      actor: partyId,
      nonce: newNonce(),
      createdAt: this.now().toISOString(),
      payload: { ...(options.label ? { label: options.label } : {}), ...(options.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}) },
    };
    const body = { command, signatures: signBytes(canonicalBytes(command), [signer]) };
    const res = await this.request<LoginResponse>('login', { body });
    this.token = res.body.token;
    return res.body;
  }

  listTokens(query: { party?: string; after?: string; limit?: number } = {}): Promise<TokenPage> {
    return this.get('listTokens', undefined, query);
  }

  async revokeToken(tokenId: string): Promise<TokenInfo> {
    return (await this.request<TokenInfo>('revokeToken', { params: { tokenId } })).body;
  }

  // ---- commands

  /** Builds the command `actor` signs: this ledger's chain, a fresh nonce, now. */
  async buildCommand<T extends CommandType>(type: T, actor: string, payload: CommandPayloads[T], nonce = newNonce()): Promise<Command<T>> {
    return { type, chain: await this.chainIdOf(), actor, nonce, createdAt: this.now().toISOString(), payload };
  }

  /**
   * Signs and submits a command; resolves with the ledger's acceptance (following a 202 until the
   * outcome), throws CascadeProblem with the refusal. Retries reuse the Idempotency-Key and the
   * signed body, so the ledger sees one command whatever the network does.
   */
  async command<T extends CommandType>(type: T, actor: string, payload: CommandPayloads[T], signers: readonly Signer[], options: CommandOptions = {}): Promise<CommandAccepted> {
    const signed = signCommand(await this.buildCommand(type, actor, payload, options.nonce), signers);
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
  listPayables(query: { party?: string; role?: 'debtor' | 'creditor' | 'any'; after?: string; limit?: number } = {}): Promise<PayablePage> {
    return this.get('listPayables', undefined, query);
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
}
