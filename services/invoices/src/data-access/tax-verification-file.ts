/**
 * The file implementation of `TaxVerificationSource`: a deployment's tax data provider delivers
 * verification results (查验结果) as files; this reads one, a line at a time (never whole).
 *
 * Format "cascade-tax-verification" version 1, JSON Lines, UTF-8 (docs/invoices.md has the full
 * description and an example):
 *   line 1   {"format":"cascade-tax-verification","version":1,"provider":"…","generatedAt":"<instant>"}
 *   line 2…  {"invoiceCode":"3100231130","invoiceNumber":"00012345","status":"normal",
 *             "sellerUscc":"…","buyerUscc":"…","amountExclTax":"884.96","tax":"115.04",
 *             "total":"1000.00","issuedOn":"2026-02-01","checkedAt":"2026-03-01T02:00:00Z"}
 * `invoiceCode` is "" or null for a fully digital invoice (20-digit number). `status` is normal,
 * void (作废), reversed (红冲) or notFound (查无此票); the other fields may be null when the
 * provider does not report them (they are then not compared). A line that does not fit is
 * refused with its line number; the rest of the file still counts.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { TaxRecord, TaxVerificationSource } from '../domain/index.ts';
import { Refusal, invoiceIdentity } from '../domain/index.ts';

export const taxFileFormat = 'cascade-tax-verification';
export const taxFileVersion = 1;
/** The longest line a result file may have. */
export const taxFileLineBytesMax = 64 * 1024;

const ajv = new Ajv2020({ allErrors: false, strict: false });
const amount = { anyOf: [{ type: 'string', pattern: '^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$' }, { type: 'null' }] };
const validateHeader = ajv.compile({
  type: 'object',
  required: ['format', 'version'],
  properties: { format: { const: taxFileFormat }, version: { const: taxFileVersion }, provider: { type: 'string', maxLength: 200 }, generatedAt: { type: 'string', maxLength: 40 } },
});
const validateLine = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['invoiceNumber', 'status', 'checkedAt'],
  properties: {
    invoiceCode: { anyOf: [{ type: 'string', maxLength: 12 }, { type: 'null' }] },
    invoiceNumber: { type: 'string', maxLength: 20 },
    status: { enum: ['normal', 'void', 'reversed', 'notFound'] },
    sellerUscc: { anyOf: [{ type: 'string', maxLength: 18 }, { type: 'null' }] },
    buyerUscc: { anyOf: [{ type: 'string', maxLength: 18 }, { type: 'null' }] },
    amountExclTax: amount,
    tax: amount,
    total: amount,
    issuedOn: { anyOf: [{ type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, { type: 'null' }] },
    checkedAt: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?Z$' },
  },
});

/** Lines of a byte stream, each at most `lineBytesMax` (a longer one fails the read). */
export async function* linesOf(stream: Readable, lineBytesMax: number): AsyncGenerator<string> {
  let carry = '';
  let carryBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split('\n');
    carry = parts.pop() ?? '';
    carryBytes = Buffer.byteLength(carry);
    for (const p of parts) {
      if (Buffer.byteLength(p) > lineBytesMax) throw new Error(`a line is longer than ${lineBytesMax} bytes`);
      yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
    if (carryBytes > lineBytesMax) throw new Error(`a line is longer than ${lineBytesMax} bytes`);
  }
  if (carry.length > 0) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

export function parseTaxLine(text: string): TaxRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  if (!validateLine(value)) throw new Error(ajv.errorsText(validateLine.errors));
  const v = value as unknown as Record<string, string | null>;
  let key: string;
  try {
    key = invoiceIdentity(v.invoiceCode ?? null, v.invoiceNumber!).key;
  } catch (error) {
    if (error instanceof Refusal) throw new Error(error.detail);
    throw error;
  }
  return {
    invoiceKey: key,
    status: v.status as TaxRecord['status'],
    sellerUscc: v.sellerUscc ?? null,
    buyerUscc: v.buyerUscc ?? null,
    amountExclTax: v.amountExclTax ?? null,
    tax: v.tax ?? null,
    total: v.total ?? null,
    issuedOn: v.issuedOn ?? null,
    checkedAt: new Date(v.checkedAt!).toISOString(),
  };
}

export class FileTaxVerificationSource implements TaxVerificationSource {
  readonly name: string;

  constructor(
    private readonly file: string,
    private readonly open: () => Readable = () => createReadStream(file),
  ) {
    this.name = path.basename(file);
  }

  async *records(): AsyncGenerator<{ line: number; record: TaxRecord } | { line: number; refused: string }> {
    let line = 0;
    for await (const text of linesOf(this.open(), taxFileLineBytesMax)) {
      line += 1;
      if (line === 1) {
        let header: unknown;
        try {
          header = JSON.parse(text);
        } catch {
          header = null;
        }
        if (!validateHeader(header)) throw new Error(`${this.name} is not a ${taxFileFormat} version ${taxFileVersion} file: its first line must be {"format":"${taxFileFormat}","version":${taxFileVersion},…}`);
        continue;
      }
      if (text.trim() === '') continue;
      try {
        yield { line, record: parseTaxLine(text) };
      } catch (error) {
        yield { line, refused: (error as Error).message.slice(0, 300) };
      }
    }
    if (line === 0) throw new Error(`${this.name} is empty`);
  }
}
