/**
 * Signed commands: the envelope `{type, chain, actor, nonce, createdAt, payload}` the client signs
 * (RFC 8785 canonical JSON of exactly this object), and one payload type per command type.
 * Commands are imperative; the events they lead to are past tense (events.ts).
 */
import type { KeyAlgorithm, Role } from './entities.ts';
import type { LedgerPolicy } from './policy.ts';

/** A public key as registered with `party.register` or `key.add`. */
export interface PublicKeyInput {
  keyId: string;
  alg: KeyAlgorithm;
  /** Lower-case hex. */
  publicKey: string;
}

export interface CommandPayloads {
  /** [operator] Onboards a party with its first keys. */
  'party.register': {
    partyId: string;
    /** Required for core, supplier and funder parties, whose partyId must equal it. */
    uscc: string | null;
    name: string;
    roles: Role[];
    publicKeys: PublicKeyInput[];
  };
  /** [the party itself] Adds a key; rotation is `key.add` then `key.revoke`. */
  'key.add': { key: PublicKeyInput };
  /** [the party itself] Revokes one of its keys; the last active key cannot be revoked. */
  'key.revoke': { keyId: string };
  /** [funder] Grants or changes the credit line to an issuer. */
  'creditLine.set': { issuer: string; limit: string; termDays: number };
  /** [issuer, a core enterprise] Issues a voucher to a supplier against confirmed payables. */
  'voucher.issue': {
    /** Chosen by the client: a canonical lowercase UUID, so a retried command names the same voucher. */
    voucherId: string;
    holder: string;
    amount: string;
    maturityDate: string;
    backing: Array<{ payableId: string; amount: string }>;
    /** The funder whose credit line backs the voucher; omitted or null when not line-backed. */
    creditLineFunder?: string | null;
  };
  /** [recipient] Accepts an offered voucher. */
  'voucher.accept': { voucherId: string };
  /** [recipient] Rejects an offered voucher; its value returns to the sender. */
  'voucher.reject': { voucherId: string; reason?: string };
  /** [issuer] Cancels an issue not yet accepted. */
  'voucher.cancel': { voucherId: string };
  /** [holder] Splits an active voucher into pieces for recipients and a remainder kept by the holder. */
  'voucher.transfer': {
    voucherId: string;
    pieces: Array<{ childId: string; recipient: string; amount: string }>;
    /** What the holder keeps; null when the pieces take the whole amount. */
    remainder: { childId: string; amount: string } | null;
  };
  /** [sender] Takes back a transfer child not yet accepted. */
  'voucher.revoke': { voucherId: string };
  /**
   * [holder] Asks one funder to finance an active voucher under one of its products, stating the
   * most it accepts: the funder cannot approve a dearer price.
   */
  'financing.request': { voucherId: string; funder: string; productId: string; maxAnnualRate: string; maxFees: string };
  /** [holder] Withdraws its open financing request: the voucher is active again. */
  'financing.withdraw': { voucherId: string };
  /** [funder] Approves the pending request: the voucher moves to the funder. */
  'financing.approve': { voucherId: string; annualRate: string; fees: string };
  /** [funder] Rejects the pending request: the voucher is active again. */
  'financing.reject': { voucherId: string; reason: string };
  /** [issuer] Pays a tree at or after maturity against a payment reference. */
  'voucher.settle': { rootId: string; paymentReference: string; paidAmount: string };
  /** [regulator] Freezes a voucher and its whole subtree. */
  'voucher.freeze': { voucherId: string; reason: string };
  /** [regulator] Lifts the freeze order placed on this voucher. */
  'voucher.unfreeze': { voucherId: string; reason: string };
  /** [operator, on behalf of the scheduler] Ends an offer whose acceptance period is over. */
  'voucher.expireAcceptance': { voucherId: string };
  /** [operator, on behalf of the scheduler] Marks the unpaid leaves of a matured tree overdue. */
  'voucher.markOverdue': { rootId: string };
  /**
   * [operator] Changes the deployment's policy from this point of the log on. The policy is
   * state the log produces (the genesis names the first), so a replay decides as the ledger did.
   */
  'policy.change': { changes: Partial<LedgerPolicy> };
}

export type CommandType = keyof CommandPayloads;

export const commandTypes: readonly CommandType[] = [
  'party.register',
  'key.add',
  'key.revoke',
  'creditLine.set',
  'voucher.issue',
  'voucher.accept',
  'voucher.reject',
  'voucher.cancel',
  'voucher.transfer',
  'voucher.revoke',
  'financing.request',
  'financing.approve',
  'financing.reject',
  'financing.withdraw',
  'voucher.settle',
  'voucher.freeze',
  'voucher.unfreeze',
  'voucher.expireAcceptance',
  'voucher.markOverdue',
  'policy.change',
];

/** The signed envelope. */
export interface CommandEnvelope<T extends CommandType = CommandType> {
  type: T;
  /** The chain id of the ledger it is for (its genesis): a signature is valid on that ledger only. */
  chain: string;
  /** The party id of the signer's party. */
  actor: string;
  /** Unique per actor; the caller deduplicates on (actor, nonce). */
  nonce: string;
  /** When the client made the command (UTC instant). */
  createdAt: string;
  payload: CommandPayloads[T];
}

/** Any well-typed command. `decide` still validates everything at run time: commands come from outside. */
export type LedgerCommand = { [T in CommandType]: CommandEnvelope<T> }[CommandType];

/**
 * Who may sign each command (DESIGN §2). `role` is checked against the actor's registered roles;
 * `party` names which party of the affected entity the actor must be, checked by `decide`.
 */
export const commandAuthority: Readonly<Record<CommandType, { role: Role | null; party: string }>> = {
  'party.register': { role: 'operator', party: 'any operator' },
  'key.add': { role: null, party: 'the party itself' },
  'key.revoke': { role: null, party: 'the party owning the key' },
  'creditLine.set': { role: 'funder', party: 'the funder granting the line' },
  'voucher.issue': { role: 'core', party: 'the issuer (actor) — debtor of every backing payable' },
  'voucher.accept': { role: null, party: 'the recipient (holder of the offered voucher)' },
  'voucher.reject': { role: null, party: 'the recipient (holder of the offered voucher)' },
  'voucher.cancel': { role: null, party: 'the issuer of the root' },
  'voucher.transfer': { role: null, party: 'the holder' },
  'voucher.revoke': { role: null, party: 'the sender of the transfer child' },
  'financing.request': { role: null, party: 'the holder' },
  'financing.approve': { role: 'funder', party: 'the funder named in the request' },
  'financing.reject': { role: 'funder', party: 'the funder named in the request' },
  'financing.withdraw': { role: null, party: 'the holder' },
  'voucher.settle': { role: null, party: 'the issuer of the root' },
  'voucher.freeze': { role: 'regulator', party: 'any regulator' },
  'voucher.unfreeze': { role: 'regulator', party: 'any regulator' },
  'voucher.expireAcceptance': { role: 'operator', party: 'any operator' },
  'voucher.markOverdue': { role: 'operator', party: 'any operator' },
  'policy.change': { role: 'operator', party: 'any operator' },
};

/**
 * An external fact: a payable the debtor confirmed in the invoices service. The caller takes it
 * from the invoices service's event stream, where the invoices service signed it (the intake
 * checks that signature), and hands it to `decidePayableConfirmed`.
 */
export interface PayableConfirmedFact {
  type: 'payable.confirmed';
  payableId: string;
  debtor: string;
  creditor: string;
  amount: string;
  invoices: string[];
}
