/**
 * pain.001.001.09 (CustomerCreditTransferInitiationV09): the file a paying party hands its bank
 * to pay many creditors at once — the issuer settling every holder at maturity (兑付/清分), or a
 * funder disbursing a financing (放款). One batch is one paying party (debtor account) and one
 * file; the group header's NbOfTxs and CtrlSum are computed here, exactly, in fen.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidUscc } from '@cascade/ids';
import { Amount, fenText } from '@cascade/money';
import { checkAccount, checkAgent, type AccountRef, type AgentRef } from './accounts.ts';
import { PaymentFileError, assert } from './errors.ts';
import { checkIsoDate, checkText, escapeXml } from './text.ts';

export const pain001Namespace = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/** Most credit transfers one file carries; banks' own limits are usually lower, so callers may split further. */
export const transfersPerBatchMax = 10_000;
/** Most unstructured remittance lines (`RmtInf/Ustrd`, 140 characters each) per transfer. */
export const remittanceLinesMax = 4;
/** `CtrlSum` is an XSD `DecimalNumber`: at most 18 digits in all, so a sum of 10^16 CNY or more cannot be written. */
const controlSumFenLimit = 10n ** 18n;

/** A party as pain.001 names it (`PartyIdentification135`). */
export interface PaymentParty {
  /** Registered name (`Nm`, at most 140 characters). */
  readonly name: string;
  /** Unified social credit code (统一社会信用代码, check character verified), written as `Id/OrgId/Othr` with scheme `USCC` when given. */
  readonly uscc?: string;
}

/** One credit transfer to one creditor (`CdtTrfTxInf`). */
export interface CreditTransfer {
  /** End-to-end id (`PmtId/EndToEndId`, ≤ 35): travels unchanged to the camt.054 the bank returns, so matching keys on it. */
  readonly endToEndId: string;
  /** Instruction id for the debtor's bank (`PmtId/InstrId`, ≤ 35); optional. */
  readonly instructionId?: string;
  /** Amount in CNY, a string with exactly two decimals, at least 0.01. */
  readonly amount: string;
  /** Only CNY is paid through this platform. */
  readonly currency: 'CNY';
  /** The payee. */
  readonly creditor: PaymentParty;
  /** The payee's account. */
  readonly creditorAccount: AccountRef;
  /** The payee's bank. */
  readonly creditorAgent: AgentRef;
  /** Unstructured remittance lines (`RmtInf/Ustrd`), e.g. the voucher id; at most `remittanceLinesMax`. */
  readonly remittance?: readonly string[];
}

/** One file's worth: one paying party, one debtor account, many transfers. */
export interface CreditTransferBatch {
  /** Message id (`GrpHdr/MsgId`, ≤ 35), unique per initiating party; also names the file. */
  readonly messageId: string;
  /** Payment information id (`PmtInf/PmtInfId`, ≤ 35); the message id when omitted. */
  readonly paymentInformationId?: string;
  /** When the file was made (`GrpHdr/CreDtTm`), written as a UTC instant to the second. */
  readonly createdAt: Date;
  /** Requested execution date (`ReqdExctnDt/Dt`), a calendar date in Asia/Shanghai. */
  readonly requestedExecutionDate: string;
  /** Who sends the file (`InitgPty`): the platform operator or the debtor itself. */
  readonly initiatingParty: PaymentParty;
  /** The paying party (`Dbtr`). */
  readonly debtor: PaymentParty;
  /** The account debited (`DbtrAcct`). */
  readonly debtorAccount: AccountRef;
  /** The debtor's bank (`DbtrAgt`). */
  readonly debtorAgent: AgentRef;
  /** The transfers, in the order they are written. */
  readonly transfers: readonly CreditTransfer[];
}

/** A written pain.001 document and the totals in its group header. */
export interface Pain001Document {
  /** File name: `pain.001.001.09_<messageId>.xml` with characters outside `[A-Za-z0-9._-]` replaced by `_`. */
  readonly fileName: string;
  /** The XML, UTF-8 text with declaration. */
  readonly xml: string;
  /** `NbOfTxs`. */
  readonly numberOfTransactions: number;
  /** `CtrlSum`, exactly two decimals. */
  readonly controlSum: string;
}

function partyXml(tag: string, field: string, party: PaymentParty): string {
  const name = `<Nm>${escapeXml(checkText(`${field} name`, party.name, 140))}</Nm>`;
  if (party.uscc !== undefined && !isValidUscc(party.uscc)) {
    throw new PaymentFileError('usccMustBeValid', `${field} uscc ${JSON.stringify(party.uscc)} is not a valid unified social credit code`);
  }
  const id = party.uscc === undefined ? '' : `<Id><OrgId><Othr><Id>${party.uscc}</Id><SchmeNm><Prtry>USCC</Prtry></SchmeNm></Othr></OrgId></Id>`;
  return `<${tag}>${name}${id}</${tag}>`;
}

function accountXml(tag: string, field: string, account: AccountRef): string {
  checkAccount(field, account);
  const id = 'iban' in account ? `<IBAN>${account.iban}</IBAN>` : `<Othr><Id>${escapeXml(account.number)}</Id></Othr>`;
  return `<${tag}><Id>${id}</Id></${tag}>`;
}

function agentXml(tag: string, field: string, agent: AgentRef): string {
  checkAgent(field, agent);
  const name = agent.name === undefined ? '' : `<Nm>${escapeXml(checkText(`${field} name`, agent.name, 140))}</Nm>`;
  const id =
    'bic' in agent
      ? `<BICFI>${agent.bic}</BICFI>`
      : `<ClrSysMmbId><ClrSysId><Cd>${agent.clearingSystem ?? 'CNAPS'}</Cd></ClrSysId><MmbId>${escapeXml(agent.bankCode)}</MmbId></ClrSysMmbId>`;
  return `<${tag}><FinInstnId>${id}${name}</FinInstnId></${tag}>`;
}

/** Writes the UTC instant without milliseconds, a valid `xs:dateTime`. */
function isoDateTime(at: Date): string {
  assert(at instanceof Date && !Number.isNaN(at.getTime()), 'createdAt must be a valid Date');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseTransferAmount(field: string, transfer: CreditTransfer): Amount {
  if (transfer.currency !== 'CNY') {
    throw new PaymentFileError('currencyMustBeCny', `${field} currency ${JSON.stringify(transfer.currency)} is not CNY`);
  }
  if (!Amount.isValid(transfer.amount)) {
    throw new PaymentFileError('amountMustBeTwoDecimalCny', `${field} amount ${JSON.stringify(transfer.amount)} must have exactly two decimals, no sign, no leading zeros`);
  }
  const amount = Amount.parse(transfer.amount);
  if (amount.toFen() <= 0n) throw new PaymentFileError('amountMustBePositive', `${field} amount must be at least 0.01`);
  return amount;
}

/** `pain.001.001.09_<messageId>.xml`, safe on every file system. */
export function pain001FileName(messageId: string): string {
  return `pain.001.001.09_${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`;
}

/**
 * Builds the pain.001.001.09 document for one batch.
 * Rejections, checked in this order: batchMustHaveTransfers, batchMustFitTransferLimit, the
 * header's text, date and party fields, then per transfer in order: endToEndIdMustBeUniqueInBatch,
 * currencyMustBeCny, amountMustBeTwoDecimalCny, amountMustBePositive, its text and account
 * fields; finally controlSumMustFitSchema.
 */
export function buildPain001(batch: CreditTransferBatch): Pain001Document {
  if (batch.transfers.length === 0) throw new PaymentFileError('batchMustHaveTransfers', `batch ${batch.messageId} has no transfers`);
  if (batch.transfers.length > transfersPerBatchMax) {
    throw new PaymentFileError('batchMustFitTransferLimit', `batch ${batch.messageId} has ${batch.transfers.length} transfers, at most ${transfersPerBatchMax}`);
  }
  const messageId = checkText('messageId', batch.messageId, 35);
  const paymentInformationId = checkText('paymentInformationId', batch.paymentInformationId ?? batch.messageId, 35);
  const executionDate = checkIsoDate('requestedExecutionDate', batch.requestedExecutionDate);
  const createdAt = isoDateTime(batch.createdAt);
  const initiatingParty = partyXml('InitgPty', 'initiatingParty', batch.initiatingParty);
  const debtor = partyXml('Dbtr', 'debtor', batch.debtor);
  const debtorAccount = accountXml('DbtrAcct', 'debtorAccount', batch.debtorAccount);
  const debtorAgent = agentXml('DbtrAgt', 'debtorAgent', batch.debtorAgent);

  const seen = new Set<string>();
  let sumFen = 0n;
  const transfers: string[] = [];
  batch.transfers.forEach((t, i) => {
    const field = `transfers[${i}]`;
    const endToEndId = checkText(`${field}.endToEndId`, t.endToEndId, 35);
    if (seen.has(endToEndId)) {
      throw new PaymentFileError('endToEndIdMustBeUniqueInBatch', `${field}.endToEndId ${JSON.stringify(endToEndId)} repeats an earlier transfer`);
    }
    seen.add(endToEndId);
    const amount = parseTransferAmount(field, t);
    sumFen += amount.toFen();
    const instructionId = t.instructionId === undefined ? '' : `<InstrId>${escapeXml(checkText(`${field}.instructionId`, t.instructionId, 35))}</InstrId>`;
    const lines = t.remittance ?? [];
    if (lines.length > remittanceLinesMax) {
      throw new PaymentFileError('textMustFitLength', `${field}.remittance has ${lines.length} lines, at most ${remittanceLinesMax}`);
    }
    const remittance =
      lines.length === 0 ? '' : `<RmtInf>${lines.map((l, j) => `<Ustrd>${escapeXml(checkText(`${field}.remittance[${j}]`, l, 140))}</Ustrd>`).join('')}</RmtInf>`;
    transfers.push(
      '<CdtTrfTxInf>' +
        `<PmtId>${instructionId}<EndToEndId>${escapeXml(endToEndId)}</EndToEndId></PmtId>` +
        `<Amt><InstdAmt Ccy="CNY">${amount.toString()}</InstdAmt></Amt>` +
        agentXml('CdtrAgt', `${field}.creditorAgent`, t.creditorAgent) +
        partyXml('Cdtr', `${field}.creditor`, t.creditor) +
        accountXml('CdtrAcct', `${field}.creditorAccount`, t.creditorAccount) +
        remittance +
        '</CdtTrfTxInf>',
    );
  });
  if (sumFen >= controlSumFenLimit) {
    throw new PaymentFileError('controlSumMustFitSchema', `batch ${messageId} sums to ${fenText(sumFen)} CNY, beyond the 18 digits CtrlSum can hold`);
  }
  const controlSum = fenText(sumFen);
  const count = String(batch.transfers.length);

  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${pain001Namespace}">` +
    '<CstmrCdtTrfInitn>' +
    `<GrpHdr><MsgId>${escapeXml(messageId)}</MsgId><CreDtTm>${createdAt}</CreDtTm><NbOfTxs>${count}</NbOfTxs><CtrlSum>${controlSum}</CtrlSum>${initiatingParty}</GrpHdr>` +
    `<PmtInf><PmtInfId>${escapeXml(paymentInformationId)}</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>${count}</NbOfTxs><CtrlSum>${controlSum}</CtrlSum>` +
    `<ReqdExctnDt><Dt>${executionDate}</Dt></ReqdExctnDt>${debtor}${debtorAccount}${debtorAgent}` +
    transfers.join('') +
    '</PmtInf></CstmrCdtTrfInitn></Document>\n';
  return { fileName: pain001FileName(messageId), xml, numberOfTransactions: batch.transfers.length, controlSum };
}

/**
 * Builds the batch's file and writes it into `directory`. A payment file is never replaced: a
 * file of the same name already there is refused (fileMustNotExist), so a batch cannot be sent twice
 * by accident under one message id.
 */
export async function writePain001File(directory: string, batch: CreditTransferBatch): Promise<Pain001Document & { readonly path: string }> {
  const document = buildPain001(batch);
  const path = join(directory, document.fileName);
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PaymentFileError('fileMustNotExist', `${path} already exists; a payment file is never overwritten`);
    }
    throw error;
  }
  try {
    await handle.writeFile(document.xml, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { ...document, path };
}
