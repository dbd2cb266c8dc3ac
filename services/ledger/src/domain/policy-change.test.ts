import { describe, expect, it } from 'vitest';
import { createPolicy } from './policy.ts';
import { World } from './test-support.ts';

describe('policy.change', () => {
  it('changes the limits later commands are decided under, and only from that point of the log', () => {
    const w = new World({ policy: createPolicy({ maturityMonthsMax: 6 }) });
    const core = w.register(['core'], 'core');
    const supplier = w.register(['supplier'], 'supplier');
    const issue = (maturityDate: string) => {
      const payableId = w.payable(core, supplier, '10.00');
      return w.command('voucher.issue', core, { voucherId: w.newId(), holder: supplier, amount: '10.00', maturityDate, backing: [{ payableId, amount: '10.00' }] });
    };
    // 2026-03-02 + 6 months = 2026-09-02: a maturity in November is beyond the genesis policy.
    w.refused(issue('2026-11-30'), 'maturityBeyondPolicy');
    const [changed] = w.run('policy.change', 'operator', { changes: { maturityMonthsMax: 12 } });
    expect(changed).toMatchObject({ type: 'PolicyChanged', data: { policy: { maturityMonthsMax: 12 }, previous: { maturityMonthsMax: 6 } } });
    expect(w.state.policy().maturityMonthsMax).toBe(12);
    const d = w.decide(issue('2026-11-30'));
    expect(d.ok).toBe(true);
  });

  it('is the operator\'s alone, and never lifts a hard limit', () => {
    const w = new World();
    const core = w.register(['core'], 'core');
    w.refused(w.command('policy.change', core, { changes: { treeDepthMax: 3 } }), 'actorLacksRole');
    w.refused(w.command('policy.change', 'operator', { changes: { maturityMonthsMax: 13 } }), 'policyBeyondLimits');
    w.refused(w.command('policy.change', 'operator', { changes: {} }), 'payloadMalformed');
    w.refused(w.command('policy.change', 'operator', { changes: { noSuchLimit: 1 } as never }), 'payloadMalformed');
    expect(w.state.policy()).toEqual(w.policy);
  });
});
