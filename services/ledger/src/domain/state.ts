/**
 * What the domain reads and writes. `decide` only reads (`LedgerStateView`); `evolve` writes
 * through `LedgerState`. The persistence layer implements the same interface over the rows of
 * one voucher tree (plus parties, keys, payables and lines), or loads them into a
 * `MemoryLedgerState` and writes back only what `dirty()` names.
 */
import { deadStatuses, type CreditLine, type Party, type PartyKey, type Payable, type Voucher } from './entities.ts';
import type { LedgerPolicy } from './policy.ts';

export interface LedgerStateView {
  /** The policy in force at this point of the log. */
  policy(): LedgerPolicy;
  party(partyId: string): Party | undefined;
  partyByUscc(uscc: string): Party | undefined;
  /** Any key ever registered, revoked or not. */
  key(keyId: string): PartyKey | undefined;
  /** Ids of the party's keys not revoked at this point of the log. */
  activeKeyIds(partyId: string): string[];
  payable(payableId: string): Payable | undefined;
  creditLine(funder: string, issuer: string): CreditLine | undefined;
  voucher(voucherId: string): Voucher | undefined;
  /** Ids of the vouchers whose parent is `voucherId`, in creation order. */
  childrenOf(voucherId: string): readonly string[];
  /** True when the caller recorded this (actor, nonce) as committed. */
  hasSeenNonce(actor: string, nonce: string): boolean;
  /** True when `payer` already cited this payment reference to settle any tree. */
  paymentReferenceUsed(payer: string, reference: string): boolean;
}

export interface LedgerState extends LedgerStateView {
  putPolicy(policy: LedgerPolicy): void;
  putParty(party: Party): void;
  putKey(key: PartyKey): void;
  putPayable(payable: Payable): void;
  putCreditLine(line: CreditLine): void;
  /** Inserts or replaces a voucher; a new voucher with a parent is appended to the parent's children. */
  putVoucher(voucher: Voucher): void;
  /** Called by the caller (not by evolve) when it commits a command. */
  recordNonce(actor: string, nonce: string): void;
}

/** The keys of what changed since the last `takeDirty`, per entity kind. */
export interface DirtySets {
  parties: Set<string>;
  keys: Set<string>;
  payables: Set<string>;
  /** `${funder}\u0000${issuer}` */
  creditLines: Set<string>;
  vouchers: Set<string>;
  /** `${actor}\u0000${nonce}` */
  nonces: Set<string>;
  /** Holds `policy` when the policy changed. */
  policy: Set<string>;
}

export function creditLineKey(funder: string, issuer: string): string {
  return `${funder}\u0000${issuer}`;
}

function emptyDirty(): DirtySets {
  return { parties: new Set(), keys: new Set(), payables: new Set(), creditLines: new Set(), vouchers: new Set(), nonces: new Set(), policy: new Set() };
}

/** The whole state in Maps. Entities are stored as given and must be treated as immutable. */
export class MemoryLedgerState implements LedgerState {
  readonly parties = new Map<string, Party>();
  readonly partiesByUscc = new Map<string, string>();
  readonly keys = new Map<string, PartyKey>();
  readonly keysByParty = new Map<string, string[]>();
  readonly payables = new Map<string, Payable>();
  readonly creditLines = new Map<string, CreditLine>();
  readonly vouchers = new Map<string, Voucher>();
  readonly children = new Map<string, string[]>();
  readonly nonces = new Set<string>();
  /** `${payer}\u0000${reference}` of every settlement, derived from the roots' paymentReferences. */
  readonly paymentReferences = new Set<string>();
  #policy: LedgerPolicy | null = null;
  #dirty: DirtySets = emptyDirty();

  policy(): LedgerPolicy {
    // Every log starts with the genesis, which sets the policy: none means a broken state.
    if (this.#policy === null) throw new Error('ledger state broken: no policy (the genesis sets one)');
    return this.#policy;
  }

  putPolicy(policy: LedgerPolicy): void {
    this.#policy = policy;
    this.#dirty.policy.add('policy');
  }

  party(partyId: string): Party | undefined {
    return this.parties.get(partyId);
  }

  partyByUscc(uscc: string): Party | undefined {
    const id = this.partiesByUscc.get(uscc);
    return id === undefined ? undefined : this.parties.get(id);
  }

  key(keyId: string): PartyKey | undefined {
    return this.keys.get(keyId);
  }

  activeKeyIds(partyId: string): string[] {
    return (this.keysByParty.get(partyId) ?? []).filter((id) => this.keys.get(id)?.revokedAt === null);
  }

  payable(payableId: string): Payable | undefined {
    return this.payables.get(payableId);
  }

  creditLine(funder: string, issuer: string): CreditLine | undefined {
    return this.creditLines.get(creditLineKey(funder, issuer));
  }

  voucher(voucherId: string): Voucher | undefined {
    return this.vouchers.get(voucherId);
  }

  childrenOf(voucherId: string): readonly string[] {
    return this.children.get(voucherId) ?? [];
  }

  hasSeenNonce(actor: string, nonce: string): boolean {
    return this.nonces.has(`${actor}\u0000${nonce}`);
  }

  paymentReferenceUsed(payer: string, reference: string): boolean {
    return this.paymentReferences.has(`${payer}\u0000${reference}`);
  }

  putParty(party: Party): void {
    this.parties.set(party.partyId, party);
    if (party.uscc !== null) this.partiesByUscc.set(party.uscc, party.partyId);
    this.#dirty.parties.add(party.partyId);
  }

  putKey(key: PartyKey): void {
    if (!this.keys.has(key.keyId)) {
      const list = this.keysByParty.get(key.partyId);
      if (list === undefined) this.keysByParty.set(key.partyId, [key.keyId]);
      else list.push(key.keyId);
    }
    this.keys.set(key.keyId, key);
    this.#dirty.keys.add(key.keyId);
  }

  putPayable(payable: Payable): void {
    this.payables.set(payable.payableId, payable);
    this.#dirty.payables.add(payable.payableId);
  }

  putCreditLine(line: CreditLine): void {
    const k = creditLineKey(line.funder, line.issuer);
    this.creditLines.set(k, line);
    this.#dirty.creditLines.add(k);
  }

  putVoucher(voucher: Voucher): void {
    this.#index(voucher);
    this.#dirty.vouchers.add(voucher.voucherId);
  }

  /** Stores a voucher and its indexes: a new child joins its parent's list; a root's payment references are known. */
  #index(voucher: Voucher): void {
    const isNew = !this.vouchers.has(voucher.voucherId);
    this.vouchers.set(voucher.voucherId, voucher);
    // The issuer pays a tree's settlements; a root carries the references it cited.
    if (voucher.parentId === null) for (const ref of voucher.paymentReferences) this.paymentReferences.add(`${voucher.issuer}\u0000${ref}`);
    if (isNew && voucher.parentId !== null) {
      const list = this.children.get(voucher.parentId);
      if (list === undefined) this.children.set(voucher.parentId, [voucher.voucherId]);
      else list.push(voucher.voucherId);
    }
  }

  recordNonce(actor: string, nonce: string): void {
    const k = `${actor}\u0000${nonce}`;
    this.nonces.add(k);
    this.#dirty.nonces.add(k);
  }

  /**
   * True when no voucher of the tree carries value any more: every piece settled, or gone back
   * (consumed into children, rejected, revoked, cancelled). Nothing can change such a tree
   * again, so deciding needs it only to refuse precisely, and may load it back for that.
   */
  treeClosed(rootId: string): boolean {
    const root = this.vouchers.get(rootId);
    if (root === undefined) return false;
    for (const v of this.treeOf(root)) if (v.status !== 'settled' && !deadStatuses.has(v.status)) return false;
    return true;
  }

  /**
   * Drops a tree from memory (the rows stay in PostgreSQL); returns how many vouchers went.
   * The payment references its root cited stay known: they are checked on every settlement.
   */
  evictTree(rootId: string): number {
    const root = this.vouchers.get(rootId);
    if (root === undefined) return 0;
    const tree = this.treeOf(root);
    for (const v of tree) {
      this.vouchers.delete(v.voucherId);
      this.children.delete(v.voucherId);
    }
    return tree.length;
  }

  /**
   * Puts back vouchers read from PostgreSQL (whole trees, in creation order) without marking
   * them changed: they are already stored.
   */
  restoreVouchers(vouchers: readonly Voucher[]): void {
    for (const v of vouchers) if (!this.vouchers.has(v.voucherId)) this.#index(v);
  }

  /** The root and every voucher below it. */
  private treeOf(root: Voucher): Voucher[] {
    const out: Voucher[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      out.push(v);
      for (const id of this.children.get(v.voucherId) ?? []) {
        const child = this.vouchers.get(id);
        if (child !== undefined) stack.push(child);
      }
    }
    return out;
  }

  /** What changed since the last call; the sets are handed over and fresh ones started. */
  takeDirty(): DirtySets {
    const d = this.#dirty;
    this.#dirty = emptyDirty();
    return d;
  }

  /** A canonical JSON-serialisable image of everything, for tests and debugging. */
  snapshot(): unknown {
    const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      policy: this.#policy,
      parties: sorted(this.parties),
      keys: sorted(this.keys),
      payables: sorted(this.payables),
      creditLines: sorted(this.creditLines),
      vouchers: sorted(this.vouchers),
      children: sorted(this.children),
      nonces: [...this.nonces].sort(),
    };
  }
}
