/**
 * A stand-in for 中登网 on the other side of `FileExchangeRegistry`'s directory, for local mode
 * (WORKFLOWS_REGISTRY_SIMULATOR=1) and tests: it reads each request file in `outbox/` that has no
 * answer yet, answers it in `inbox/` in the exchange template (`cascade-zdw-exchange/1`,
 * docs/workflows.md), and keeps the registrations it made in `simulator/registrations.json`, so a
 * second financing on the same receivable finds the first. `seed` adds a registration made
 * elsewhere (another platform, a bank's own filing) for a search to hit.
 *
 * A registration hits a search when it names the same voucher; one filed outside the platform
 * (seeded without a voucher tree) also when it shares an invoice number with the receivable. Two
 * of the platform's own registrations on different vouchers never hit each other by invoice:
 * pieces of one split share their root's invoices and are separate receivables, and the invoices
 * service already keeps an invoice from backing more than it is worth. Released and expired
 * registrations are listed as such (they do not stand in the way).
 *
 * Nothing here is the registry: it never calls out, and its numbers say SIM.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registryTemplate, type PriorRegistration, type RegistryParty } from '@cascade/payments';

export interface SimulatedRegistration extends PriorRegistration {
  /** What the registration is on, as a search compares it. */
  readonly collateral: { readonly voucherId?: string; readonly rootVoucherId?: string; readonly invoiceNumbers: readonly string[] };
  /** The platform's financing it was made for, when it was. */
  readonly financingId?: string;
}

interface State {
  counter: number;
  registrations: SimulatedRegistration[];
}

interface Request {
  template: string;
  requestId: string;
  operation: 'search' | 'register' | 'amend' | 'release';
  financingId: string;
  body: Record<string, unknown>;
}

interface Collateral {
  voucherId: string;
  rootVoucherId: string;
  invoiceNumbers: string[];
}

export interface RegistrySimulatorOptions {
  directory: string;
  now: () => Date;
  /** Pause between looks at the outbox. */
  pollMs?: number;
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

export function hits(registration: SimulatedRegistration, collateral: Collateral): boolean {
  const c = registration.collateral;
  if (c.voucherId !== undefined && c.voucherId === collateral.voucherId) return true;
  if (c.rootVoucherId !== undefined) return false;
  return c.invoiceNumbers.some((n) => collateral.invoiceNumbers.includes(n));
}

export class RegistrySimulator {
  readonly #directory: string;
  readonly #now: () => Date;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: RegistrySimulatorOptions) {
    this.#directory = options.directory;
    this.#now = options.now;
    this.#pollMs = options.pollMs ?? 500;
  }

  get statePath(): string {
    return join(this.#directory, 'simulator', 'registrations.json');
  }

  async start(): Promise<void> {
    for (const sub of ['outbox', 'inbox', 'records', 'simulator']) await mkdir(join(this.#directory, sub), { recursive: true });
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(() => this.answerPending()).catch(() => undefined);
    }, this.#pollMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Adds a registration made elsewhere; returns it with its number. */
  async seed(registration: Omit<SimulatedRegistration, 'registrationNumber'> & { registrationNumber?: string }): Promise<SimulatedRegistration> {
    const state = await this.#state();
    state.counter += 1;
    const made = { ...registration, registrationNumber: registration.registrationNumber ?? `SIM-R-${String(state.counter).padStart(8, '0')}` };
    state.registrations.push(made);
    await this.#save(state);
    return made;
  }

  async registrations(): Promise<SimulatedRegistration[]> {
    return (await this.#state()).registrations;
  }

  /** Answers every request in the outbox that has no answer yet; returns how many it answered. */
  async answerPending(): Promise<number> {
    let files: string[];
    try {
      files = (await readdir(join(this.#directory, 'outbox'))).filter((f) => f.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const answered = new Set(await readdir(join(this.#directory, 'inbox')).catch(() => [] as string[]));
    let n = 0;
    for (const file of files) {
      if (answered.has(file)) continue;
      const request = JSON.parse(await readFile(join(this.#directory, 'outbox', file), 'utf8')) as Request;
      if (request.template !== registryTemplate) continue;
      await this.#write(join(this.#directory, 'inbox', file), await this.#answer(request));
      n += 1;
    }
    return n;
  }

  async #answer(request: Request): Promise<Record<string, unknown>> {
    const now = this.#now();
    const base = { template: registryTemplate, requestId: request.requestId, respondedAt: now.toISOString() };
    const state = await this.#state();
    const body = request.body;
    const rejected = (code: string, message: string) => ({ ...base, status: 'rejected', rejection: { code, message } });
    const today = now.toISOString().slice(0, 10);
    // Expired by the clock: shown as expired.
    for (const r of state.registrations) if (r.status === 'active' && r.expiresOn < today) (r as { status: string }).status = 'expired';
    if (request.operation === 'search') {
      const collateral = body.collateral as Collateral;
      state.counter += 1;
      await this.#save(state);
      const found = state.registrations.filter((r) => r.financingId !== request.financingId && hits(r, collateral)).map(({ collateral: _c, financingId: _f, ...prior }) => prior);
      return { ...base, status: 'ok', result: { searchReportNumber: `SIM-S-${String(state.counter).padStart(8, '0')}`, searchedAt: now.toISOString(), registrations: found } };
    }
    if (request.operation === 'register') {
      const existing = state.registrations.find((r) => r.financingId === request.financingId && r.status === 'active');
      if (existing) return { ...base, status: 'ok', result: { registrationNumber: existing.registrationNumber, registeredAt: existing.registeredAt, expiresOn: existing.expiresOn } };
      const collateral = body.collateral as Collateral;
      state.counter += 1;
      const made: SimulatedRegistration = {
        registrationNumber: `SIM-R-${String(state.counter).padStart(8, '0')}`,
        kind: body.kind as 'transfer' | 'pledge',
        registeredAt: now.toISOString(),
        expiresOn: addMonths(String(body.financingDate), Number(body.termMonths)),
        grantor: body.grantor as RegistryParty,
        securedParty: body.securedParty as RegistryParty,
        amount: String(body.principalAmount),
        collateralDescription: String(body.collateralDescription),
        status: 'active',
        collateral: { voucherId: collateral.voucherId, rootVoucherId: collateral.rootVoucherId, invoiceNumbers: collateral.invoiceNumbers },
        financingId: request.financingId,
      };
      state.registrations.push(made);
      await this.#save(state);
      return { ...base, status: 'ok', result: { registrationNumber: made.registrationNumber, registeredAt: made.registeredAt, expiresOn: made.expiresOn } };
    }
    const target = state.registrations.find((r) => r.registrationNumber === body.registrationNumber);
    if (!target) return rejected('registrationUnknown', `no registration ${String(body.registrationNumber)}`);
    if (request.operation === 'release') {
      (target as { status: string }).status = 'released';
      await this.#save(state);
      return { ...base, status: 'ok', result: { registrationNumber: target.registrationNumber, releasedAt: now.toISOString() } };
    }
    // amend
    const amended = { ...target, ...(body.principalAmount ? { amount: String(body.principalAmount) } : {}), ...(body.termMonths ? { expiresOn: addMonths(target.registeredAt.slice(0, 10), Number(body.termMonths)) } : {}) };
    state.registrations[state.registrations.indexOf(target)] = amended;
    await this.#save(state);
    return { ...base, status: 'ok', result: { registrationNumber: amended.registrationNumber, amendedAt: now.toISOString(), expiresOn: amended.expiresOn } };
  }

  async #state(): Promise<State> {
    try {
      return JSON.parse(await readFile(this.statePath, 'utf8')) as State;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { counter: 0, registrations: [] };
      throw error;
    }
  }

  async #save(state: State): Promise<void> {
    await this.#write(this.statePath, state);
  }

  async #write(path: string, value: unknown): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
    await rename(temporary, path);
  }
}
