/**
 * Test support for the domain's own tests: an in-memory world that decides, evolves and posts,
 * and asserts that a refused command changes nothing. Not exported from the package.
 */
import { createHash } from 'node:crypto';
import { createUuidv7Generator, usccFromNumber } from '@cascade/ids';
import type { CommandPayloads, CommandType, LedgerCommand } from './commands.ts';
import { decide, decidePayableConfirmed, genesisEvents, type Decision } from './decide.ts';
import type { Role } from './entities.ts';
import type { LedgerEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { defaultPolicy, type LedgerPolicy } from './policy.ts';
import { applyPostings, postingsFor } from './postings.ts';
import type { RejectionCode } from './rejections.ts';
import { MemoryLedgerState } from './state.ts';

/** A valid USCC made from a number, with both check characters computed by our own functions. */
export function makeUscc(n: number): string {
  return usccFromNumber(n);
}

export function hexKey(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export class World {
  readonly state = new MemoryLedgerState();
  readonly balances = new Map<string, bigint>();
  readonly log: LedgerEvent[] = [];
  now: Date;
  /** The policy of the world's genesis (a `policy.change` changes the state's, not this). */
  readonly policy: LedgerPolicy;
  #nonce = 0;
  #partySeq = 0;
  readonly newId: () => string;

  constructor(options: { now?: Date; policy?: LedgerPolicy } = {}) {
    this.now = options.now ?? new Date('2026-03-02T02:00:00.000Z');
    this.policy = options.policy ?? defaultPolicy;
    let t = 1_780_000_000_000;
    this.newId = createUuidv7Generator({ now: () => t++ });
    this.apply(genesisEvents({ partyId: 'operator', name: 'Cascade operator', publicKeys: [{ keyId: 'operator-k1', alg: 'ed25519', publicKey: hexKey('operator') }] }, this.policy, this.now));
  }

  static readonly chainId = 'test-chain';

  static keyOf(partyId: string): string {
    return `${partyId}-k1`;
  }

  apply(events: readonly LedgerEvent[]): void {
    for (const e of events) {
      evolve(this.state, e);
      applyPostings(this.balances, postingsFor(e));
      this.log.push(e);
    }
  }

  advanceDays(days: number): void {
    this.now = new Date(this.now.getTime() + days * 86_400_000);
  }

  command<T extends CommandType>(type: T, actor: string, payload: CommandPayloads[T]): LedgerCommand {
    this.#nonce += 1;
    return { type, chain: World.chainId, actor, nonce: `n${this.#nonce}`, createdAt: this.now.toISOString(), payload } as LedgerCommand;
  }

  decide(command: unknown, signerKeyIds?: string[]): Decision {
    const actor = (command as { actor?: string }).actor ?? '';
    return decide(command, { state: this.state, chainId: World.chainId, now: this.now, signerKeyIds: signerKeyIds ?? [World.keyOf(actor)] });
  }

  /** Decides and applies; throws with the rejection when refused. */
  run<T extends CommandType>(type: T, actor: string, payload: CommandPayloads[T], signerKeyIds?: string[]): LedgerEvent[] {
    const d = this.decide(this.command(type, actor, payload), signerKeyIds);
    if (!d.ok) throw new Error(`${type} by ${actor} refused: ${d.rejection.code}: ${d.rejection.detail}`);
    this.apply(d.events);
    return d.events;
  }

  /** Decides a command that must be refused with `code`, and checks that nothing changed. */
  refused(command: unknown, code: RejectionCode, signerKeyIds?: string[]): string {
    const before = JSON.stringify(this.state.snapshot());
    const d = this.decide(command, signerKeyIds);
    const after = JSON.stringify(this.state.snapshot());
    if (d.ok) throw new Error(`expected ${code}, but the command was accepted with ${d.events.map((e) => e.type).join(', ')}`);
    if (d.rejection.code !== code) throw new Error(`expected ${code}, got ${d.rejection.code}: ${d.rejection.detail}`);
    if (before !== after) throw new Error('a refused command changed the state');
    return d.rejection.detail;
  }

  register(roles: Role[], name = 'party'): string {
    this.#partySeq += 1;
    const isEnterprise = roles.some((r) => r === 'core' || r === 'supplier' || r === 'funder');
    const partyId = isEnterprise ? makeUscc(1000 + this.#partySeq) : `${roles[0]}-${this.#partySeq}`;
    this.run('party.register', 'operator', {
      partyId,
      uscc: isEnterprise ? partyId : null,
      name: `${name} ${this.#partySeq}`,
      roles,
      publicKeys: [{ keyId: World.keyOf(partyId), alg: 'ed25519', publicKey: hexKey(partyId) }],
    });
    return partyId;
  }

  payable(debtor: string, creditor: string, amount: string): string {
    const payableId = `payable-${this.log.length}`;
    const d = decidePayableConfirmed({ type: 'payable.confirmed', payableId, debtor, creditor, amount, invoices: [`inv-${payableId}`] }, { state: this.state, now: this.now });
    if (!d.ok) throw new Error(`payable refused: ${d.rejection.code}`);
    this.apply(d.events);
    return payableId;
  }

  /** Issues `amount` from `issuer` to `holder` on a fresh payable; accepted unless told otherwise. */
  issue(issuer: string, holder: string, amount: string, options: { accept?: boolean; maturityDate?: string; funder?: string } = {}): string {
    const payableId = this.payable(issuer, holder, amount);
    const voucherId = this.newId();
    this.run('voucher.issue', issuer, {
      voucherId,
      holder,
      amount,
      maturityDate: options.maturityDate ?? '2026-06-30',
      backing: [{ payableId, amount }],
      creditLineFunder: options.funder ?? null,
    });
    if (options.accept !== false) this.run('voucher.accept', holder, { voucherId });
    return voucherId;
  }

  /** Transfers `pieces` of an active voucher; returns [piece ids..., remainder id?]. */
  transfer(voucherId: string, pieces: Array<[recipient: string, amount: string]>, remainder: string | null): string[] {
    const holder = this.state.voucher(voucherId)!.holder;
    const ids = pieces.map(() => this.newId());
    const remainderId = remainder === null ? null : this.newId();
    this.run('voucher.transfer', holder, {
      voucherId,
      pieces: pieces.map(([recipient, amount], i) => ({ childId: ids[i]!, recipient, amount })),
      remainder: remainderId === null || remainder === null ? null : { childId: remainderId, amount: remainder },
    });
    return remainderId === null ? ids : [...ids, remainderId];
  }

  balance(account: string, currency = 'CNY'): string {
    const fen = this.balances.get(`${currency} ${account}`) ?? 0n;
    const sign = fen < 0n ? '-' : '';
    const abs = fen < 0n ? -fen : fen;
    return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  }
}
