/**
 * A bank's camt.054.001.08 debit notification, written as the issuer's bank would answer a
 * payout file: one booked CNY entry on `account` carrying one transaction per debit, with its
 * bank reference (`AcctSvcrRef`), the end-to-end id it was sent with and the creditor's account.
 * The platform reads camt.054 and never sends one; this is the bank's side, for local mode's demo
 * and the tests (as the registry simulator is the registry's).
 */
import { Amount } from '@cascade/money';
import { escapeXml, checkIsoDate } from './text.ts';
import { camt054Namespace } from './camt054.ts';

export interface NotifiedDebit {
  /** Omitted for a payment the bank carried no end-to-end id for. */
  readonly endToEndId?: string;
  /** CNY, two decimals. */
  readonly amount: string;
  readonly creditorAccount: string;
  readonly bankReference: string;
}

export interface Camt054Debits {
  readonly messageId: string;
  /** The debited account (`Ntfctn/Acct`). */
  readonly account: string;
  /** Booking date, `YYYY-MM-DD`; the notification is dated 18:00 that day in Asia/Shanghai. */
  readonly bookedOn: string;
  readonly debits: readonly NotifiedDebit[];
}

export function buildCamt054Debits(n: Camt054Debits): string {
  const bookedOn = checkIsoDate('bookedOn', n.bookedOn);
  const amounts = n.debits.map((d) => Amount.parse(d.amount));
  const tx = n.debits
    .map(
      (d, i) =>
        `<TxDtls><Refs><AcctSvcrRef>${escapeXml(d.bankReference)}</AcctSvcrRef>${d.endToEndId === undefined ? '' : `<EndToEndId>${escapeXml(d.endToEndId)}</EndToEndId>`}</Refs>` +
        `<Amt Ccy="CNY">${amounts[i]!.toString()}</Amt><CdtDbtInd>DBIT</CdtDbtInd>` +
        `<RltdPties><CdtrAcct><Id><Othr><Id>${escapeXml(d.creditorAccount)}</Id></Othr></Id></CdtrAcct></RltdPties></TxDtls>`,
    )
    .join('');
  const at = `${bookedOn}T18:00:00+08:00`;
  const id = escapeXml(n.messageId);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${camt054Namespace}"><BkToCstmrDbtCdtNtfctn>` +
    `<GrpHdr><MsgId>${id}</MsgId><CreDtTm>${at}</CreDtTm></GrpHdr>` +
    `<Ntfctn><Id>${id}-1</Id><CreDtTm>${at}</CreDtTm><Acct><Id><Othr><Id>${escapeXml(n.account)}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>` +
    `<Ntry><Amt Ccy="CNY">${Amount.sum(amounts).toString()}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${bookedOn}</Dt></BookgDt>` +
    '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>' +
    `<NtryDtls>${tx}</NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n`
  );
}
