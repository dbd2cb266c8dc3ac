/**
 * `policy.change` [operator]: the deployment's policy from this point of the log on. The new
 * policy must stay inside the hard limits (`createPolicy`); a change that breaks one is refused.
 */
import { createPolicy, PolicyError } from '../policy.ts';
import { event, refuse, type Decider } from './shared.ts';

export const decidePolicyChange: Decider<'policy.change'> = ({ changes }, { policy, at }) => {
  let next;
  try {
    next = createPolicy({ ...policy, ...changes });
  } catch (error) {
    if (error instanceof PolicyError) refuse('policyBeyondLimits', error.message);
    throw error;
  }
  if (JSON.stringify(next) === JSON.stringify(policy)) refuse('policyUnchanged', 'the changes leave the policy as it is');
  return [event('PolicyChanged', { policy: { ...next }, previous: { ...policy }, at })];
};
