/**
 * Who may see which voucher (DESIGN §2, visibility), as a pure function over the vouchers of one
 * tree. A regulator sees everything and the issuer its whole trees; any other party sees the
 * vouchers it holds, sent, financed or sold, and the path from each up to the root — amounts,
 * maturity and issuer, but the parties on that path only where they are its direct counterparty.
 */
import type { Voucher } from './entities.ts';

export interface Viewer {
  partyId: string;
  /** True for the regulator. */
  seesAll: boolean;
}

/** A voucher as shown to a viewer; hidden parties read `null`, a withheld freeze reason too. */
export type VisibleVoucher = Omit<Voucher, 'holder' | 'sender' | 'financing' | 'financingRequest' | 'freezeOrder'> & {
  holder: string | null;
  sender: string | null;
  financing: Voucher['financing'];
  financingRequest: Voucher['financingRequest'];
  freezeOrder: { reason: string | null; at: string } | null;
};

/**
 * What only the issuer and the regulator see of any voucher, whoever else looks: the payables a
 * root rests on (unless the viewer is their creditor, the root's holder or seller), the funder of
 * its credit line (unless the viewer is that funder), the issuer's payment references, and the
 * regulator's reason for a freeze (the freeze itself, and when, stay visible).
 */
function withoutIssuerDetails(v: VisibleVoucher, viewer: string, root: Voucher | undefined): VisibleVoucher {
  const creditor = root !== undefined && (root.holder === viewer || root.financing?.seller === viewer);
  return {
    ...v,
    backing: creditor ? v.backing : [],
    creditLineFunder: v.creditLineFunder === viewer ? v.creditLineFunder : null,
    paymentReferences: [],
    freezeOrder: v.freezeOrder === null ? null : { reason: null, at: v.freezeOrder.at },
  };
}

/** True when the party holds, sent, sold, financed or was asked to finance this voucher. */
export function involves(v: Voucher, party: string): boolean {
  return v.holder === party || v.sender === party || v.financing?.funder === party || v.financing?.seller === party || v.financingRequest?.funder === party;
}

/** Filters and redacts the vouchers of one tree for `viewer`; returns them in the given order. */
export function visibleTree(tree: readonly Voucher[], viewer: Viewer): VisibleVoucher[] {
  if (tree.length === 0) return [];
  if (viewer.seesAll || tree[0]!.issuer === viewer.partyId) return tree.map((v) => ({ ...v }));
  const byId = new Map(tree.map((v) => [v.voucherId, v]));
  const own = tree.filter((v) => involves(v, viewer.partyId));
  const visible = new Set<string>();
  const counterparties = new Set<string>([viewer.partyId]);
  for (const v of own) {
    counterparties.add(v.sender);
    counterparties.add(v.holder);
    if (v.financing) (counterparties.add(v.financing.funder), counterparties.add(v.financing.seller));
    for (let cur: Voucher | undefined = v; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) visible.add(cur.voucherId);
  }
  const root = tree.find((v) => v.parentId === null);
  return tree
    .filter((v) => visible.has(v.voucherId))
    .map((v): VisibleVoucher => {
      if (involves(v, viewer.partyId)) return withoutIssuerDetails({ ...v }, viewer.partyId, root);
      const show = (p: string): string | null => (counterparties.has(p) ? p : null);
      return withoutIssuerDetails({ ...v, holder: show(v.holder), sender: show(v.sender), financing: null, financingRequest: null }, viewer.partyId, root);
    });
}

/**
 * What `viewer` may see of the signed command of an operation that touched `touched` vouchers of
 * `tree`: all of it for a regulator, the issuer and the actor; for a party involved in one of
 * the touched vouchers, the command with the split's pieces other than its own hidden (`parts`,
 * the JSON pointers of the parts it may see: a split names every recipient and amount); nothing
 * for anyone else — seeing another branch of the tree is not enough.
 */
export function proofDisclosure(tree: readonly Voucher[], touched: readonly string[], actor: string, viewer: Viewer, command: unknown): { all: true } | { all: false; parts: string[] } | null {
  if (viewer.seesAll || actor === viewer.partyId) return { all: true };
  if (tree[0]?.issuer === viewer.partyId) return { all: true };
  const ids = new Set(touched);
  const mine = new Set(tree.filter((v) => ids.has(v.voucherId) && involves(v, viewer.partyId)).map((v) => v.voucherId));
  if (mine.size === 0) return null;
  const c = command as { type?: unknown; payload?: { pieces?: { childId?: unknown }[]; remainder?: { childId?: unknown } | null } };
  if (c.type !== 'voucher.transfer') return { all: true };
  const parts = (c.payload?.pieces ?? []).flatMap((p, i) => (mine.has(String(p.childId)) ? [`/body/payload/pieces/${i}`] : []));
  if (c.payload?.remainder && mine.has(String(c.payload.remainder.childId))) parts.push('/body/payload/remainder');
  return { all: false, parts };
}
