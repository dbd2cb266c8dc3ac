import { describe, expect, it } from 'vitest';
import type { VoucherView } from '../contract/schemas.ts';
import { renderTree } from './platform-commands.ts';

const v = (voucherId: string, parentId: string | null, amount: string, holder: string | null, tier: number): VoucherView =>
  ({ voucherId, rootId: 'r', parentId, amount, holder, tier, status: 'active' }) as unknown as VoucherView;

describe('cascade tree', () => {
  it('draws children under their parents, the last of each with └──, hidden holders as (hidden), the viewer as me', () => {
    const lines = renderTree([v('r', null, '100.00', 'A', 1), v('b', 'r', '60.00', 'me-id', 2), v('c', 'r', '40.00', null, 2), v('d', 'b', '60.00', 'D', 3)], 'me-id');
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      ' 100.00 active tier 1 holder A r',
      '├── 60.00 active tier 2 holder me b',
      '│ └── 60.00 active tier 3 holder D d',
      '└── 40.00 active tier 2 holder (hidden) c',
    ]);
  });

  it('shows a node whose parent is not visible at the top', () => {
    expect(renderTree([v('x', 'unseen', '5.00', 'me-id', 4)], 'me-id')).toHaveLength(1);
  });
});
