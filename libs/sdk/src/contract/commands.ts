/**
 * The signed commands of DESIGN §6 as TypeScript types: the envelope a client signs and the
 * payload of each command type. The JSON Schemas the gateway and the ledger validate payloads
 * with live in `@cascade/events` (`commandPayloadSchemas`); the type check at the end of this
 * file keeps the two lists of command types equal. No runtime imports: this module is part of
 * the browser SDK.
 */
import type { CommandPayloadName } from '@cascade/events';

export type Role = 'core' | 'supplier' | 'funder' | 'regulator' | 'operator';
export type SignatureAlg = 'ed25519' | 'sm2';

/** A public key as registered: `keyId` is `alg:` + 32 hex digits of SHA-256 over the raw key. */
export interface PublicKeyInput {
  keyId: string;
  alg: SignatureAlg;
  /** Lower-case hex of the raw public key. */
  publicKey: string;
}

export interface CommandPayloads {
  'party.register': { partyId: string; uscc: string | null; name: string; roles: Role[]; publicKeys: PublicKeyInput[] };
  'key.add': { key: PublicKeyInput };
  'key.revoke': { keyId: string };
  'creditLine.set': { issuer: string; limit: string; termDays: number };
  'voucher.issue': { voucherId: string; holder: string; amount: string; maturityDate: string; backing: { payableId: string; amount: string }[]; creditLineFunder?: string | null };
  'voucher.accept': { voucherId: string };
  'voucher.reject': { voucherId: string; reason?: string | null };
  'voucher.cancel': { voucherId: string };
  'voucher.transfer': { voucherId: string; pieces: { childId: string; recipient: string; amount: string }[]; remainder?: { childId: string; amount: string } | null };
  'voucher.revoke': { voucherId: string };
  'financing.request': { voucherId: string; funder: string; productId: string; maxAnnualRate: string; maxFees: string };
  'financing.withdraw': { voucherId: string };
  'financing.approve': { voucherId: string; annualRate: string; fees: string };
  'financing.reject': { voucherId: string; reason: string };
  'voucher.settle': { rootId: string; paymentReference: string; paidAmount: string };
  'voucher.freeze': { voucherId: string; reason: string };
  'voucher.unfreeze': { voucherId: string; reason: string };
  'voucher.expireAcceptance': { voucherId: string };
  'voucher.markOverdue': { rootId: string };
  'policy.change': { changes: Record<string, number | string> };
}

export type CommandType = keyof CommandPayloads;

/**
 * Signed commands an internal service decides itself rather than the ledger (DESIGN §3: the core
 * enterprise confirms a payable, signed; the invoices service checks it and publishes the signed
 * fact the ledger records). The gateway checks them as it checks ledger commands (actor, role,
 * chain, time, signatures) and forwards them to their service.
 */
export interface ServiceCommandPayloads {
  'payable.confirm': {
    /** Chosen by the client (letters, digits, `._:/-`, ≤ 128), so a retry names the same payable. */
    payableId: string;
    /** The creditor: a supplier (or core enterprise) the actor owes. */
    payee: string;
    /** CNY, exactly two decimals: the sum of the invoice amounts below. */
    amount: string;
    /** Calendar date (Asia/Shanghai), not before today. */
    dueDate: string;
    /** 1–100 invoices, each by `invoiceId` or by `invoiceKey` (exactly one), and what this payable takes from it; filled in this order. */
    invoices: ({ invoiceId: string; amount: string } | { invoiceKey: string; amount: string })[];
  };
}

export type ServiceCommandType = keyof ServiceCommandPayloads;
/** Every signed command type a route takes: the ledger's and the services' own. */
export type AnyCommandType = CommandType | ServiceCommandType;
export type AnyCommandPayloads = CommandPayloads & ServiceCommandPayloads;

/** The object whose RFC 8785 canonical bytes are signed. */
export interface Command<T extends AnyCommandType = CommandType> {
  type: T;
  /** The ledger's chain id (its genesis): a signature is valid on that ledger only. */
  chain: string;
  /** The party id of the signer's party; must be the party the bearer token was issued to. */
  actor: string;
  /** Unique per actor (≤ 128 characters); the ledger commits a command once per nonce. */
  nonce: string;
  /** UTC instant the client made the command. */
  createdAt: string;
  payload: AnyCommandPayloads[T];
}

export interface Signature {
  keyId: string;
  alg: SignatureAlg;
  /** Padded base64 of the 64 signature bytes (Ed25519 R‖S, SM2 r‖s). */
  sig: string;
}

/** The body of every mutating request: the command and 1–8 signatures over its canonical bytes. */
export interface SignedCommand<T extends AnyCommandType = CommandType> {
  command: Command<T>;
  signatures: Signature[];
}

/** The login command (never sent to the ledger): proves control of a registered key. */
export interface LoginCommand {
  type: 'session.login';
  chain: string;
  actor: string;
  nonce: string;
  createdAt: string;
  payload: { label?: string; ttlSeconds?: number };
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when a command type is added to the schemas and not here, or the reverse. */
const commandTypesMatchSchemas: Same<CommandType, CommandPayloadName> = true;
void commandTypesMatchSchemas;
