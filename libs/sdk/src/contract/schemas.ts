/**
 * JSON Schemas (TypeBox) of what the public API takes and returns, beside the command payloads of
 * `@cascade/events`. The gateway declares its routes with them, so they validate requests,
 * serialise responses (nothing outside a schema leaves the gateway) and make the OpenAPI
 * document; the SDK uses their static types only (`import type`), so none of this reaches a
 * browser bundle.
 */
import { Type, type Static, type TSchema } from 'typebox';

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const open = { additionalProperties: true } as const;

export const PartyIdSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'a party id: the USCC of an enterprise, or a registered id' });
export const UuidSchema = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const AmountSchema = Type.String({ pattern: '^-?(0|[1-9][0-9]{0,14})\\.[0-9]{2}$', description: 'CNY, exactly two decimals' });
export const InstantSchema = Type.String({ description: 'UTC instant, ISO 8601' });
export const NonceSchema = Type.String({ minLength: 1, maxLength: 128 });
export const CursorSchema = Type.String({ minLength: 1, maxLength: 200, description: 'opaque: the `next` of the previous page' });
export const PageLimitSchema = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
export const roleNames = ['core', 'supplier', 'funder', 'regulator', 'operator'] as const;
export const voucherStatuses = ['pending_acceptance', 'active', 'consumed', 'pending_financing', 'financed', 'settled', 'overdue', 'frozen', 'rejected', 'revoked', 'cancelled'] as const;
export const RoleSchema = Type.Unsafe<(typeof roleNames)[number]>({ type: 'string', enum: [...roleNames] });
export const VoucherStatusSchema = Type.Unsafe<(typeof voucherStatuses)[number]>({ type: 'string', enum: [...voucherStatuses] });

/** RFC 9457 problem details; `code` is the camelCase form of `type`'s last part. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:cascade:problem:<kebab-code>, stable' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { ...open, $id: 'Problem' },
);

export const SignatureSchema = Type.Object(
  {
    keyId: Type.String({ minLength: 1, maxLength: 128 }),
    alg: Type.Union([Type.Literal('ed25519'), Type.Literal('sm2')]),
    sig: Type.String({ minLength: 1, maxLength: 200, description: 'padded base64 of 64 bytes' }),
  },
  { additionalProperties: false },
);

/** `{command, signatures}` with the payload schema of one command type. */
export function signedCommandSchema(type: string, payload: TSchema | Record<string, unknown>) {
  return Type.Object(
    {
      command: Type.Object(
        {
          type: Type.Literal(type),
          chain: Type.String({ minLength: 1, maxLength: 128, description: "the ledger's chain id (GET /v1/chain)" }),
          actor: PartyIdSchema,
          nonce: NonceSchema,
          createdAt: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$', description: 'UTC instant' }),
          payload: Type.Unsafe<Record<string, unknown>>(payload as TSchema),
        },
        { additionalProperties: false },
      ),
      signatures: Type.Array(SignatureSchema, { minItems: 1, maxItems: 8 }),
    },
    { additionalProperties: false },
  );
}

export const LoginPayloadSchema = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a name for the token, shown when tokens are listed' })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, description: 'lifetime asked for; capped by the gateway' })),
  },
  { additionalProperties: false },
);
export const LoginBodySchema = signedCommandSchema('session.login', LoginPayloadSchema);

export const LoginResponseSchema = Type.Object({
  token: Type.String({ description: 'the bearer token; shown once, stored only hashed' }),
  tokenId: UuidSchema,
  partyId: PartyIdSchema,
  roles: Type.Array(RoleSchema),
  expiresAt: InstantSchema,
});

/** The operator's issue of a token to a registered party (`POST /v1/tokens`), for a client that cannot sign a login itself. */
export const IssueTokenBodySchema = Type.Object(
  {
    partyId: PartyIdSchema,
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a name for the token, shown when tokens are listed' })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, description: 'lifetime asked for; capped by the gateway (GATEWAY_TOKEN_TTL_SECONDS_MAX)' })),
  },
  { additionalProperties: false },
);

export const TokenSchema = Type.Object({
  tokenId: UuidSchema,
  partyId: PartyIdSchema,
  label: nullable(Type.String()),
  createdAt: InstantSchema,
  expiresAt: InstantSchema,
  revokedAt: nullable(InstantSchema),
  /** The operator who issued it (such a token only reads), or null for the party's own login. */
  issuedBy: nullable(PartyIdSchema),
});
export const TokenPageSchema = Type.Object({ items: Type.Array(TokenSchema), next: nullable(Type.String()) });

export const ChainSchema = Type.Object({
  chainId: Type.String(),
  hashAlg: Type.String(),
  ledgerKey: Type.Object({ keyId: Type.String(), alg: Type.String(), publicKey: Type.String() }),
  operator: PartyIdSchema,
});

export const PartyKeySchema = Type.Object({ keyId: Type.String(), alg: Type.String(), publicKey: Type.String(), revokedAt: nullable(InstantSchema) });
export const PartySchema = Type.Object({
  partyId: PartyIdSchema,
  uscc: nullable(Type.String()),
  name: Type.String(),
  roles: Type.Array(RoleSchema),
  keys: Type.Array(PartyKeySchema),
  registeredAt: InstantSchema,
});
export const PartyPageSchema = Type.Object({ items: Type.Array(PartySchema), next: nullable(Type.String()) });

/** A party as the directory every signed-in party may search shows it: who it is, never its keys. */
export const DirectoryEntrySchema = Type.Object({ partyId: PartyIdSchema, uscc: nullable(Type.String()), name: Type.String(), roles: Type.Array(RoleSchema) });
export const DirectoryPageSchema = Type.Object({ items: Type.Array(DirectoryEntrySchema), next: nullable(Type.String()) });

/** A ledger event as a command's result carries it. */
export const LedgerEventSchema = Type.Object({ type: Type.String(), data: Type.Unknown() }, open);

export const CommandAcceptedSchema = Type.Object({
  status: Type.Literal('accepted'),
  actor: Type.String(),
  nonce: Type.String(),
  seq: Type.Integer(),
  opId: Type.String(),
  blockHeight: Type.Integer(),
  events: Type.Optional(Type.Array(LedgerEventSchema)),
  eventsOmitted: Type.Optional(Type.Boolean()),
  replayed: Type.Optional(Type.Boolean()),
});
export const CommandPendingSchema = Type.Object({
  status: Type.Literal('pending'),
  actor: Type.String(),
  nonce: Type.String(),
  operation: Type.String({ description: 'GET this URL for the outcome' }),
});
export const CommandRefusedSchema = Type.Object({ status: Type.Literal('refused'), actor: Type.String(), nonce: Type.String(), problem: ProblemSchema });
/** GET /v1/commands/:actor/:nonce — 200 with the outcome, or 202 while the ledger has not decided. */
export const CommandOutcomeSchema = Type.Union([CommandAcceptedSchema, CommandRefusedSchema]);

const FinancingTermsSchema = Type.Object({
  funder: Type.String(),
  seller: Type.String(),
  productId: Type.String(),
  annualRate: Type.String(),
  days: Type.Integer(),
  interest: AmountSchema,
  fees: AmountSchema,
  net: AmountSchema,
  financedOn: Type.String(),
});

/** A voucher as the viewer may see it: parties of other branches read null. */
export const VoucherSchema = Type.Object({
  voucherId: UuidSchema,
  rootId: UuidSchema,
  parentId: nullable(UuidSchema),
  issuer: Type.String(),
  holder: nullable(Type.String()),
  sender: nullable(Type.String()),
  amount: AmountSchema,
  issueDate: Type.String(),
  maturityDate: Type.String(),
  tier: Type.Integer(),
  backing: Type.Array(Type.Object({ payableId: Type.String(), amount: AmountSchema })),
  creditLineFunder: nullable(Type.String()),
  status: VoucherStatusSchema,
  statusBeforeFreeze: nullable(VoucherStatusSchema),
  frozenBy: nullable(Type.String()),
  freezeOrder: nullable(Type.Object({ reason: nullable(Type.String()), at: InstantSchema })),
  acceptanceDeadline: nullable(InstantSchema),
  financingRequest: nullable(Type.Object({ funder: Type.String(), productId: Type.String(), maxAnnualRate: Type.String(), maxFees: AmountSchema, requestedAt: InstantSchema })),
  financing: nullable(FinancingTermsSchema),
  outstanding: AmountSchema,
  returnOf: nullable(Type.String()),
  paymentReferences: Type.Array(Type.String()),
  createdAt: InstantSchema,
});
export const VoucherPageSchema = Type.Object({ items: Type.Array(VoucherSchema), next: nullable(Type.String()) });
export const VoucherTreeSchema = Type.Object({ rootId: UuidSchema, nodes: Type.Array(VoucherSchema) });
export const VoucherHistorySchema = Type.Object({
  voucherId: UuidSchema,
  operations: Type.Array(Type.Object({ seq: Type.Integer(), opId: Type.String(), type: Type.String(), actor: nullable(Type.String()), committedAt: InstantSchema, blockHeight: nullable(Type.Integer()) })),
});

export const BalancesSchema = Type.Object({
  partyId: Type.String(),
  balances: Type.Array(Type.Object({ account: Type.String(), currency: Type.String(), amount: AmountSchema })),
});

export const PayableSchema = Type.Object({
  payableId: Type.String(),
  debtor: Type.String(),
  creditor: Type.String(),
  amount: AmountSchema,
  remaining: AmountSchema,
  invoices: Type.Array(Type.String()),
  recordedAt: InstantSchema,
});
export const PayablePageSchema = Type.Object({ items: Type.Array(PayableSchema), next: nullable(Type.String()) });
export const CreditLineSchema = Type.Object({ funder: Type.String(), issuer: Type.String(), limit: AmountSchema, used: AmountSchema, termDays: Type.Integer(), changedAt: InstantSchema });
export const CreditLinePageSchema = Type.Object({ items: Type.Array(CreditLineSchema), next: nullable(Type.String()) });

const BlockHeaderSchema = Type.Object(
  {
    chainId: Type.String(),
    height: Type.Integer(),
    prevHash: Type.String(),
    merkleRoot: Type.String(),
    time: Type.String(),
    count: Type.Integer(),
    firstSeq: Type.String(),
    lastSeq: Type.String(),
    hashAlg: Type.String(),
  },
  open,
);
export const SealedBlockSchema = Type.Object({ header: BlockHeaderSchema, hash: Type.String(), signature: Type.Object({ keyId: Type.String(), alg: Type.String(), sig: Type.String() }) });
export const BlockListSchema = Type.Object({ blocks: Type.Array(SealedBlockSchema) });
/** An inclusion proof; `record` is carried exactly as sealed (its bytes are what the path proves). */
export const ProofSchema = Type.Object({ version: Type.Literal(1), record: Type.Unknown(), leafIndex: Type.Integer(), auditPath: Type.Array(Type.String()), block: SealedBlockSchema });

export type Problem = Static<typeof ProblemSchema>;
export type LoginResponse = Static<typeof LoginResponseSchema>;
export type IssueTokenBody = Static<typeof IssueTokenBodySchema>;
export type TokenInfo = Static<typeof TokenSchema>;
export type TokenPage = Static<typeof TokenPageSchema>;
export type ChainInfo = Static<typeof ChainSchema>;
export type PartyInfo = Static<typeof PartySchema>;
export type PartyPage = Static<typeof PartyPageSchema>;
export type DirectoryEntry = Static<typeof DirectoryEntrySchema>;
export type DirectoryPage = Static<typeof DirectoryPageSchema>;
export type CommandAccepted = Static<typeof CommandAcceptedSchema>;
export type CommandPending = Static<typeof CommandPendingSchema>;
export type CommandRefused = Static<typeof CommandRefusedSchema>;
export type CommandOutcome = Static<typeof CommandOutcomeSchema>;
export type VoucherView = Static<typeof VoucherSchema>;
export type VoucherPage = Static<typeof VoucherPageSchema>;
export type VoucherTree = Static<typeof VoucherTreeSchema>;
export type VoucherHistory = Static<typeof VoucherHistorySchema>;
export type Balances = Static<typeof BalancesSchema>;
export type PayablePage = Static<typeof PayablePageSchema>;
export type CreditLinePage = Static<typeof CreditLinePageSchema>;
export type BlockList = Static<typeof BlockListSchema>;
export type Proof = Static<typeof ProofSchema>;
