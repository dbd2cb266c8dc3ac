/**
 * invoices.events: the four-flow score each PayableConfirmed carries, and the invoices voided
 * after use. The invoices service's contract (libs/events schemas/invoices.ts) is being written
 * alongside this service; until it lands, the service reads these two events with schemas that
 * require only the fields it uses and let others through, so the stricter contract stays
 * compatible.
 *
 * A PayableConfirmed is a signed fact (facts.ts): its score is believed only when the signature
 * verifies under the invoices service's key from the ledger's genesis (RISK_GENESIS_FILE). A
 * forged one is parked; without a key configured, scores stay unknown (a soft "unknown", never
 * a number nobody vouched for).
 */
import { payableConfirmedSchema, verifyFact, type EventTypeSpec } from '@cascade/events';
import { recordFourFlowScore, recordVoidedInvoice, type Db } from '../../data-access/platform-view.ts';
import type { RiskContext } from '../../application/context.ts';
import { ParkedEvent } from './parked.ts';

const reference = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$' };

export const invoicesConsumedSpecs: EventTypeSpec[] = [
  {
    type: 'PayableConfirmed',
    version: 1,
    schema: { ...payableConfirmedSchema, properties: { ...payableConfirmedSchema.properties, fourFlowScore: { type: 'integer', minimum: 0, maximum: 100 } } },
  },
  {
    type: 'InvoiceVoidedAfterUse',
    version: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['invoiceId', 'status', 'payables', 'at'],
      properties: {
        invoiceId: { type: 'string', minLength: 1, maxLength: 128 },
        status: { enum: ['void', 'reversed'] },
        payables: { type: 'array', items: reference, maxItems: 1000 },
        at: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$' },
      },
    },
  },
];

export async function applyInvoicesEvent(db: Db, ctx: RiskContext, type: string, data: Record<string, any>, occurredAt: string): Promise<boolean> {
  switch (type) {
    case 'PayableConfirmed': {
      if (data.fourFlowScore === undefined) return true;
      if (!ctx.factKey) {
        ctx.logger.debug({ payableId: data.payableId }, 'four-flow score not used: no invoices fact key configured (RISK_GENESIS_FILE)');
        return true;
      }
      if (!verifyFact(ctx.factKey.chain, type, data, ctx.factKey.key)) throw new ParkedEvent('factSignatureInvalid', `PayableConfirmed ${String(data.payableId)} is not signed by the invoices service key ${ctx.factKey.key.keyId}`);
      await recordFourFlowScore(db, data.payableId, data.fourFlowScore, occurredAt);
      return true;
    }
    case 'InvoiceVoidedAfterUse':
      await recordVoidedInvoice(db, { invoiceId: data.invoiceId, payables: data.payables, status: data.status, at: data.at });
      return true;
    default:
      return false;
  }
}
