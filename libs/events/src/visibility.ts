/**
 * Who is told of a ledger event, and what each may see of it: the ledger's visibility rules (a
 * holder sees its own vouchers, the issuer its whole trees; a split never shows a recipient its
 * siblings; a holder is not shown the payment reference or other holders). Pure, and shared by
 * every service that pushes events to parties: the workflows service's webhooks and the gateway's
 * live event stream (`GET /v1/events`), so the two can never disagree about what a party sees.
 */

/** A ledger event as a consumer reads it (its schema in schemas/ledger.ts). */
export interface PartyEventIn {
  type: string;
  data: Record<string, unknown>;
}

export interface Notification {
  partyId: string;
  /** What that party is sent: the event type, and data it may see. */
  type: string;
  data: Record<string, unknown>;
}

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Who is told of an event, and what each is told. `issuerOf` gives a tree's issuer (events other
 * than VoucherIssued name only the root); the issuer is told every event of its trees, whole.
 */
export function notificationsFor(event: PartyEventIn, issuerOf: (rootId: string) => string | undefined): Notification[] {
  const d = event.data;
  const out = new Map<string, Notification>();
  const tell = (party: string | null, data: Row = d) => {
    if (party && !out.has(party)) out.set(party, { partyId: party, type: event.type, data });
  };
  const rootId = str(d.rootId) ?? str((d.voucher as Row | undefined)?.rootId);
  const issuer = str(d.issuer) ?? str((d.voucher as Row | undefined)?.issuer) ?? (rootId ? issuerOf(rootId) ?? null : null);
  switch (event.type) {
    case 'PartyRegistered':
    case 'KeyAdded':
    case 'KeyRevoked':
      tell(str(d.partyId));
      break;
    case 'PayableRecorded':
      tell(str(d.debtor));
      tell(str(d.creditor));
      break;
    case 'CreditLineChanged':
      tell(str(d.funder));
      tell(str(d.issuer));
      break;
    case 'VoucherIssued': {
      const v = d.voucher as Row;
      tell(issuer);
      // The holder sees its voucher, not the payables or line behind it beyond its own.
      tell(str(v.holder), { voucher: { ...v, creditLineFunder: null, paymentReferences: [] } });
      const funder = str(v.creditLineFunder);
      if (funder) tell(funder, { voucher: { ...v, backing: [], paymentReferences: [] }, creditLineUsed: d.creditLineUsed });
      break;
    }
    case 'VoucherAccepted':
      tell(issuer);
      tell(str(d.holder));
      tell(str(d.owner));
      break;
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired':
      tell(issuer);
      tell(str(d.recipient));
      tell(str(d.owner));
      break;
    case 'VoucherTransferred': {
      tell(issuer);
      tell(str(d.holder));
      // Each recipient sees its own child only: the others name other branches' parties.
      for (const child of d.children as Row[]) {
        const recipient = str(child.holder);
        if (recipient && recipient !== d.holder) tell(recipient, { ...d, children: [child] });
      }
      break;
    }
    case 'FinancingRequested':
    case 'FinancingRejected':
    case 'FinancingWithdrawn':
      tell(issuer);
      tell(str(d.holder));
      tell(str(d.funder));
      break;
    case 'VoucherFinanced': {
      const terms = d.terms as Row;
      tell(issuer);
      tell(str(terms.seller));
      tell(str(terms.funder));
      break;
    }
    case 'VoucherSettled': {
      tell(issuer);
      // A holder sees what it was paid, not the issuer's payment reference or other holders.
      for (const total of d.holderTotals as Row[]) {
        const holder = str(total.holder);
        if (!holder) continue;
        tell(holder, { rootId: d.rootId, issuer: d.issuer, payouts: (d.payouts as Row[]).filter((p) => p.holder === holder), holderTotals: [total], at: d.at, ...(d.part ? { part: d.part } : {}) });
      }
      break;
    }
    case 'VoucherOverdue': {
      tell(issuer);
      const byHolder = new Map<string, Row[]>();
      for (const leaf of d.leaves as Row[]) {
        const h = str(leaf.holder);
        if (h) byHolder.set(h, [...(byHolder.get(h) ?? []), leaf]);
      }
      for (const [h, leaves] of byHolder) tell(h, { rootId: d.rootId, leaves, at: d.at, ...(d.part ? { part: d.part } : {}) });
      break;
    }
    case 'VoucherFrozen':
    case 'VoucherUnfrozen':
      // The reason is the regulator's and the issuer's (the ledger's visibility rules).
      tell(issuer);
      break;
    default:
      break;
  }
  return [...out.values()];
}
