/**
 * A voucher tree as SVG: one box per voucher the viewer may see (the API already leaves out what
 * it may not), parents centred over their children, tier by tier. The path from the root to the
 * voucher being viewed, and every voucher the viewer holds, are drawn highlighted.
 */
import type { VoucherTree, VoucherView } from '@cascade/sdk/client';
import { statusKey } from '../shared/i18n.ts';
import { formatAmount } from '../shared/money.ts';
import { useSession } from '../shared/session.tsx';

const boxWidth = 190;
const boxHeight = 64;
const gapX = 20;
const gapY = 40;

interface Placed {
  node: VoucherView;
  x: number;
  y: number;
}

function layout(tree: VoucherTree): { placed: Placed[]; width: number; height: number } {
  const byParent = new Map<string | null, VoucherView[]>();
  for (const node of tree.nodes) {
    const parent = node.parentId && tree.nodes.some((n) => n.voucherId === node.parentId) ? node.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), node]);
  }
  const placed: Placed[] = [];
  let nextSlot = 0;
  let depthMax = 0;
  const place = (node: VoucherView, depth: number): number => {
    depthMax = Math.max(depthMax, depth);
    const kids = byParent.get(node.voucherId) ?? [];
    const xs = kids.map((kid) => place(kid, depth + 1));
    const x = xs.length ? (xs[0]! + xs[xs.length - 1]!) / 2 : nextSlot++ * (boxWidth + gapX);
    placed.push({ node, x, y: depth * (boxHeight + gapY) });
    return x;
  };
  for (const top of byParent.get(null) ?? []) place(top, 0);
  return { placed, width: Math.max(nextSlot, 1) * (boxWidth + gapX), height: (depthMax + 1) * (boxHeight + gapY) };
}

function short(id: string | null): string {
  return id ? (id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-6)}` : id) : '—';
}

export function TreeView({ tree, focusId }: { tree: VoucherTree; focusId: string }) {
  const { session, t } = useSession();
  const { placed, width, height } = layout(tree);
  const byId = new Map(tree.nodes.map((n) => [n.voucherId, n]));
  const onPath = new Set<string>();
  for (let cursor = byId.get(focusId); cursor; cursor = cursor.parentId ? byId.get(cursor.parentId) : undefined) onPath.add(cursor.voucherId);
  const at = new Map(placed.map((p) => [p.node.voucherId, p]));
  return (
    <figure className="tree">
      <figcaption>
        {t('tree')} · {t('yourPath')}
      </figcaption>
      <svg role="img" aria-label={t('tree')} width={width} height={height} viewBox={`-10 -10 ${width + 20} ${height}`} data-testid="voucher-tree">
        {placed.map(({ node, x, y }) => {
          const parent = node.parentId ? at.get(node.parentId) : undefined;
          return parent ? <line key={`l-${node.voucherId}`} x1={parent.x + boxWidth / 2} y1={parent.y + boxHeight} x2={x + boxWidth / 2} y2={y} stroke={onPath.has(node.voucherId) ? '#b45309' : '#94a3b8'} strokeWidth={onPath.has(node.voucherId) ? 3 : 1.5} /> : null;
        })}
        {placed.map(({ node, x, y }) => {
          const mine = node.holder === session.partyId;
          const highlighted = onPath.has(node.voucherId) || mine;
          return (
            <g key={node.voucherId} transform={`translate(${x},${y})`} data-voucher={node.voucherId} data-highlighted={highlighted ? 'true' : 'false'}>
              <title>{`${node.voucherId} · ${node.holder ?? ''} · ${node.status}`}</title>
              <rect width={boxWidth} height={boxHeight} rx={6} fill={highlighted ? '#fef3c7' : '#f8fafc'} stroke={highlighted ? '#b45309' : '#64748b'} strokeWidth={highlighted ? 3 : 1} />
              <text x={8} y={20} fontSize={14} fontWeight="bold">¥ {formatAmount(node.amount)}</text>
              <text x={8} y={38} fontSize={12}>{`${t('holder')}: ${short(node.holder)}`}</text>
              <text x={8} y={55} fontSize={12}>{`T${node.tier} · ${t(statusKey(node.status))}`}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
