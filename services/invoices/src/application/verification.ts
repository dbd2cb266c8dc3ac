/**
 * Applying the tax authority's results (查验) from a `TaxVerificationSource`: each record newer
 * than the one applied is stored; a registered invoice whose status it changes is updated
 * (InvoiceVerificationChanged), and one that turns void or reversed while payables rest on it
 * raises InvoiceVoidedAfterUse. Records are applied in chunks, one transaction each; a file is
 * recorded by its SHA-256 once applied, so the same file again changes nothing, and a file
 * interrupted halfway can simply be applied again (older or equal records are skipped).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { withTransaction } from '@cascade/db';
import { verificationOf, type TaxRecord, type TaxVerificationSource } from '../domain/index.ts';
import { payablesOfInvoice } from '../data-access/payables.ts';
import { fileApplied, lockInvoicesByKeys, recordFile, setVerification, storeTaxRecord } from '../data-access/verification.ts';
import { publish, type StoreDeps, type OutgoingEvent } from './deps.ts';

/** Records applied per transaction. */
export const verificationChunkRecords = 500;
/** Refused lines listed in a summary (all are counted). */
export const verificationRefusalsListedMax = 100;

export interface VerificationSummary {
  source: string;
  alreadyApplied: boolean;
  records: number;
  stored: number;
  changed: number;
  voidedAfterUse: number;
  refused: number;
  refusals: { line: number; reason: string }[];
}

async function applyChunk(deps: StoreDeps, source: string, chunk: TaxRecord[], summary: VerificationSummary): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const at = deps.clock().toISOString();
    const stored = new Map<string, TaxRecord>();
    for (const r of chunk) if (await storeTaxRecord(client, r, source, at)) stored.set(r.invoiceKey, r);
    summary.stored += stored.size;
    const events: OutgoingEvent[] = [];
    for (const invoice of await lockInvoicesByKeys(client, [...stored.keys()])) {
      const record = stored.get(invoice.invoiceKey)!;
      const outcome = verificationOf(invoice, record);
      if (outcome.status === invoice.verification && JSON.stringify(outcome.details) === JSON.stringify(invoice.verificationDetails)) continue;
      await setVerification(client, invoice.invoiceId, outcome.status, outcome.details, record.checkedAt);
      summary.changed += 1;
      events.push({
        type: 'InvoiceVerificationChanged',
        key: invoice.buyer,
        data: { invoiceId: invoice.invoiceId, invoiceKey: invoice.invoiceKey, buyer: invoice.buyer, seller: invoice.seller, status: outcome.status, previousStatus: invoice.verification, details: outcome.details.slice(0, 20).map((d) => d.slice(0, 300)), checkedAt: record.checkedAt, at },
      });
      const voided = outcome.status === 'void' || outcome.status === 'reversed';
      const wasVoided = invoice.verification === 'void' || invoice.verification === 'reversed';
      if (voided && !wasVoided && invoice.usage.committed !== '0.00') {
        summary.voidedAfterUse += 1;
        events.push({
          type: 'InvoiceVoidedAfterUse',
          key: invoice.buyer,
          data: { invoiceId: invoice.invoiceId, invoiceKey: invoice.invoiceKey, buyer: invoice.buyer, seller: invoice.seller, status: outcome.status, committed: invoice.usage.committed, used: invoice.usage.used, financed: invoice.usage.financed, payables: await payablesOfInvoice(client, invoice.invoiceId), at },
        });
      }
    }
    await publish(deps, client, events);
  });
}

export async function applyTaxRecords(deps: StoreDeps, source: TaxVerificationSource, file?: { sha256: string }): Promise<VerificationSummary> {
  const summary: VerificationSummary = { source: source.name, alreadyApplied: false, records: 0, stored: 0, changed: 0, voidedAfterUse: 0, refused: 0, refusals: [] };
  if (file && (await fileApplied(deps.pool, file.sha256))) return { ...summary, alreadyApplied: true };
  let chunk: TaxRecord[] = [];
  for await (const item of source.records()) {
    if ('refused' in item) {
      summary.refused += 1;
      if (summary.refusals.length < verificationRefusalsListedMax) summary.refusals.push({ line: item.line, reason: item.refused });
      continue;
    }
    summary.records += 1;
    chunk.push(item.record);
    if (chunk.length >= verificationChunkRecords) {
      await applyChunk(deps, source.name, chunk, summary);
      chunk = [];
    }
  }
  if (chunk.length > 0) await applyChunk(deps, source.name, chunk, summary);
  if (file) await recordFile(deps.pool, { sha256: file.sha256, name: source.name, records: summary.records, refused: summary.refused, at: deps.clock().toISOString() });
  return summary;
}

/** SHA-256 of a file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
