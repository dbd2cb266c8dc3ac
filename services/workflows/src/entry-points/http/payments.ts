/**
 * Payment files, for the gateway to publish: an enterprise registers its settlement bank account
 * and reads it back (the operator and the regulator read anyone's); a paying party lists its
 * pain.001 files and the entries still waiting for an account, and fetches a file's XML (the
 * operator and the regulator: every party's); a party imports its bank's notification
 * (camt.054.001.08, or the bank CSV template) and is answered what it settled.
 */
import type { FastifyInstance } from 'fastify';
import { Problem, commonProblems, defineProblems } from '@cascade/errors';
import { PaymentFileError, camt054BytesMax } from '@cascade/payments';
import { importNotification, NotificationUnreadable, registerBankAccount, type NotificationFormat, type PaymentsDeps } from '../../application/payments.ts';
import * as payments from '../../data-access/payments.ts';
import { blockedBy, type BankAccount } from '../../domain/payments.ts';
import { rolesOfCaller } from './webhooks.ts';

export const paymentsProblems = defineProblems({
  bankAccountInvalid: { title: 'The bank account or its bank is not one a payment file can carry', status: 422 },
  paymentNotificationUnreadable: { title: 'The bank notification cannot be read; nothing of it was imported', status: 422 },
  paymentNotificationFormatUnsupported: { title: 'A bank notification is camt.054.001.08 XML (application/xml) or the bank CSV (text/csv)', status: 415 },
});

const pageSizeMax = 50;
const trading = ['core', 'supplier', 'funder'];

const accountSchema = {
  oneOf: [
    { type: 'object', required: ['number'], additionalProperties: false, properties: { number: { type: 'string', minLength: 1, maxLength: 64 } } },
    { type: 'object', required: ['iban'], additionalProperties: false, properties: { iban: { type: 'string', minLength: 5, maxLength: 64 } } },
  ],
} as const;
const agentSchema = {
  oneOf: [
    { type: 'object', required: ['bankCode'], additionalProperties: false, properties: { bankCode: { type: 'string', minLength: 1, maxLength: 35 }, clearingSystem: { type: 'string', minLength: 1, maxLength: 5 }, name: { type: 'string', minLength: 1, maxLength: 140 } } },
    { type: 'object', required: ['bic'], additionalProperties: false, properties: { bic: { type: 'string', minLength: 8, maxLength: 11 }, name: { type: 'string', minLength: 1, maxLength: 140 } } },
  ],
} as const;
const bankAccountBody = { type: 'object', required: ['account', 'agent', 'accountName'], additionalProperties: false, properties: { account: accountSchema, agent: agentSchema, accountName: { type: 'string', minLength: 1, maxLength: 140 } } } as const;
const bankAccountAnswer = {
  type: 'object',
  required: ['partyId', 'account', 'agent', 'accountName', 'registeredAt', 'updatedAt'],
  additionalProperties: false,
  properties: { partyId: { type: 'string' }, account: accountSchema, agent: agentSchema, accountName: { type: 'string' }, registeredAt: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const partyParams = { type: 'object', required: ['partyId'], additionalProperties: false, properties: { partyId: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const entrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entryId', 'kind', 'endToEndId', 'debtor', 'creditor', 'amount', 'voucherId', 'rootId', 'reference', 'state', 'notifiedAmount'],
  properties: {
    entryId: { type: 'string' },
    kind: { enum: ['disbursement', 'payout'] },
    endToEndId: { type: 'string' },
    debtor: { type: 'string' },
    creditor: { type: 'string' },
    amount: { type: 'string' },
    voucherId: { type: ['string', 'null'] },
    rootId: { type: 'string' },
    reference: { type: 'string' },
    state: { enum: ['planned', 'filed', 'paid', 'partial'] },
    notifiedAmount: { type: ['string', 'null'] },
  },
} as const;
const fileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'debtor', 'messageId', 'fileName', 'createdAt', 'transfers', 'controlSum', 'sha256', 'written', 'entries'],
  properties: {
    id: { type: 'string' },
    debtor: { type: 'string' },
    messageId: { type: 'string' },
    fileName: { type: 'string' },
    createdAt: { type: 'string' },
    transfers: { type: 'integer' },
    controlSum: { type: 'string' },
    sha256: { type: 'string' },
    written: { type: 'boolean' },
    entries: { type: 'array', items: entrySchema },
  },
} as const;
const blockedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entry', 'blocked', 'missing'],
  properties: { entry: entrySchema, blocked: { const: 'no bank account' }, missing: { type: 'array', items: { enum: ['debtor', 'creditor'] } } },
} as const;
const filesQuery = { type: 'object', additionalProperties: false, properties: { after: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 20 } } } as const;
const source = { source: { type: 'string' }, bankReference: { type: ['string', 'null'] } } as const;
const reportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['notificationId', 'format', 'messageId', 'replayed', 'matched', 'partial', 'settlements', 'unmatched'],
  properties: {
    notificationId: { type: 'string' },
    format: { enum: ['camt.054', 'csv'] },
    messageId: { type: ['string', 'null'] },
    replayed: { type: 'boolean' },
    matched: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['entryId', 'endToEndId', 'amount', 'source', 'bankReference'], properties: { entryId: { type: 'string' }, endToEndId: { type: 'string' }, amount: { type: 'string' }, ...source } } },
    partial: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['entryId', 'endToEndId', 'expected', 'notified', 'difference', 'source', 'bankReference'],
        properties: { entryId: { type: 'string' }, endToEndId: { type: 'string' }, expected: { type: 'string' }, notified: { type: 'string' }, difference: { type: 'string' }, ...source },
      },
    },
    settlements: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rootId', 'paymentReference', 'state', 'paidAmount', 'notified', 'difference', 'source'],
        properties: { rootId: { type: 'string' }, paymentReference: { type: 'string' }, state: { enum: ['confirmed', 'differs'] }, paidAmount: { type: 'string' }, notified: { type: 'string' }, difference: { type: 'string' }, source: { type: 'string' } },
      },
    },
    unmatched: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'endToEndId', 'amount', 'reason', 'entryId', 'bankReference'],
        properties: { endToEndId: { type: ['string', 'null'] }, amount: { type: 'string' }, reason: { type: 'string' }, entryId: { type: ['string', 'null'] }, ...source },
      },
    },
  },
} as const;

/** Route by route: the service declares its routes with these, and the gateway publishes them. */
export const paymentsRouteSchemas = {
  registerBankAccount: { body: bankAccountBody, response: { 200: bankAccountAnswer } },
  getBankAccount: { params: partyParams, response: { 200: bankAccountAnswer } },
  listPaymentFiles: {
    querystring: filesQuery,
    response: {
      200: {
        type: 'object',
        required: ['files', 'blocked', 'incoming'],
        additionalProperties: false,
        properties: {
          files: { type: 'array', items: fileSchema },
          blocked: { type: 'array', items: blockedSchema },
          incoming: { type: 'array', items: entrySchema, description: 'the entries that pay the caller (its disbursements and payouts), newest first, in whatever state: what a payee may see of the payer’s files' },
        },
      },
    },
  },
  getPaymentFile: { params: idParams, response: { 200: { type: 'string', description: 'the pain.001.001.09 document (application/xml)' } } },
  importPaymentNotification: { response: { 200: reportSchema } },
} as const;
const s = paymentsRouteSchemas;

const accountAnswer = (a: BankAccount & { registeredAt: Date; updatedAt: Date }) => ({
  partyId: a.partyId,
  account: a.account,
  agent: a.agent,
  accountName: a.accountName,
  registeredAt: a.registeredAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

const entryAnswer = (e: payments.EntryRow) => ({
  entryId: e.id,
  kind: e.kind,
  endToEndId: e.endToEndId,
  debtor: e.debtor,
  creditor: e.creditor,
  amount: e.amount,
  voucherId: e.voucherId,
  rootId: e.rootId,
  reference: e.reference,
  state: e.state,
  notifiedAmount: e.notifiedAmount,
});

/** The notification's format, from its content type. */
function formatOf(contentType: string | undefined): NotificationFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/xml' || type === 'text/xml') return 'camt.054';
  if (type === 'text/csv') return 'csv';
  return null;
}

export function paymentRoutes(app: FastifyInstance, deps: PaymentsDeps): void {
  app.put<{ Body: Omit<BankAccount, 'partyId'> }>('/v1/bank-accounts/me', { schema: s.registerBankAccount }, async (request) => {
    const caller = await rolesOfCaller(deps, request);
    if (!caller.roles.some((r) => trading.includes(r))) throw new Problem(commonProblems.forbidden, 'a settlement account is an enterprise\'s: core, supplier or funder');
    try {
      return accountAnswer(await registerBankAccount(deps, caller.partyId, request.body));
    } catch (error) {
      if (error instanceof PaymentFileError) throw new Problem(paymentsProblems.bankAccountInvalid, error.message, { reason: error.code });
      throw error;
    }
  });

  app.get<{ Params: { partyId: string } }>('/v1/bank-accounts/:partyId', { schema: s.getBankAccount }, async (request) => {
    const caller = await rolesOfCaller(deps, request);
    const partyId = request.params.partyId === 'me' ? caller.partyId : request.params.partyId;
    if (partyId !== caller.partyId && !caller.seesAll) throw new Problem(commonProblems.notFound, `no bank account of ${partyId} for ${caller.partyId} to see`);
    const account = (await payments.bankAccountsOf(deps.pool, [partyId])).get(partyId);
    if (!account) throw new Problem(commonProblems.notFound, `${partyId} has registered no bank account`);
    return accountAnswer(account);
  });

  app.get<{ Querystring: { after?: string; limit?: number } }>('/v1/payment-files', { schema: s.listPaymentFiles }, async (request) => {
    const caller = await rolesOfCaller(deps, request);
    const limit = request.query.limit ?? 20;
    const files = await payments.listFiles(deps.pool, { debtor: caller.seesAll ? null : caller.partyId, after: request.query.after, limit });
    const entries = await payments.entriesOfFiles(deps.pool, files.map((f) => f.id));
    const blocked = await payments.blockedEntries(deps.pool, { partyId: caller.seesAll ? null : caller.partyId, limit: pageSizeMax * 20 });
    // A payee is not the debtor of any file that pays it, so it sees none of them; it does see its
    // own entries in them (amount, reference, state), so a supplier can follow its disbursement.
    const incoming = await payments.entriesPaying(deps.pool, { creditor: caller.partyId, limit: pageSizeMax * 2 });
    return {
      incoming: incoming.map(entryAnswer),
      files: files.map((f) => ({
        id: f.id,
        debtor: f.debtor,
        messageId: f.messageId,
        fileName: f.fileName,
        createdAt: f.createdAt.toISOString(),
        transfers: f.transfers,
        controlSum: f.controlSum,
        sha256: f.sha256,
        written: f.writtenAt !== null,
        entries: entries.filter((e) => e.fileId === f.id).map(entryAnswer),
      })),
      blocked: blocked.map((e) => ({ entry: entryAnswer(e), ...blockedBy(e, (p) => (p === e.debtor ? e.debtorHasAccount : e.creditorHasAccount))! })),
    };
  });

  app.get<{ Params: { id: string } }>('/v1/payment-files/:id', { schema: s.getPaymentFile }, async (request, reply) => {
    const caller = await rolesOfCaller(deps, request);
    const file = await payments.fileById(deps.pool, request.params.id);
    if (!file || (!caller.seesAll && file.debtor !== caller.partyId)) throw new Problem(commonProblems.notFound, `no payment file ${request.params.id} of ${caller.partyId}`);
    return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.xml);
  });

  // The notification is a file, not JSON: its own context reads it as text, at most camt.054's limit.
  void app.register(async (files) => {
    files.addContentTypeParser(['application/xml', 'text/xml', 'text/csv'], { parseAs: 'string', bodyLimit: camt054BytesMax }, (_request, body, done) => done(null, body));
    files.post('/v1/payment-notifications', { schema: s.importPaymentNotification, bodyLimit: camt054BytesMax }, async (request) => {
      const caller = await rolesOfCaller(deps, request);
      if (!caller.operator && !caller.roles.some((r) => trading.includes(r))) throw new Problem(commonProblems.forbidden, 'a bank notification is imported by the enterprise it is about, or by the operator');
      const format = formatOf(request.headers['content-type']);
      if (format === null || typeof request.body !== 'string') throw new Problem(paymentsProblems.paymentNotificationFormatUnsupported, `content type ${String(request.headers['content-type'])} is not application/xml or text/csv`);
      try {
        const { report, replayed } = await importNotification(deps, { partyId: caller.partyId, operator: caller.operator }, format, request.body);
        return { ...report, replayed };
      } catch (error) {
        if (error instanceof NotificationUnreadable) throw new Problem(paymentsProblems.paymentNotificationUnreadable, error.message, { reason: error.code, rowErrors: error.rowErrors });
        throw error;
      }
    });
  });
}
