/** `party.register` [operator]: onboards a party with its first keys. */
import { validateUscc } from '@cascade/ids';
import { checkNewKeys, event, refuse, type Decider } from './shared.ts';

export const decidePartyRegister: Decider<'party.register'> = (p, { state, at }) => {
  if (state.party(p.partyId) !== undefined) refuse('partyAlreadyRegistered', `party ${p.partyId} is already registered`);
  if (p.uscc !== null) {
    const check = validateUscc(p.uscc);
    if (!check.ok) refuse('usccInvalid', check.reason);
  }
  const isEnterprise = p.roles.some((r) => r === 'core' || r === 'supplier' || r === 'funder');
  if (isEnterprise && p.uscc !== p.partyId) refuse('partyIdMustBeUscc', `party ${p.partyId} has roles ${p.roles.join(', ')}, so its id must be its USCC (${String(p.uscc)})`);
  if (p.uscc !== null && state.partyByUscc(p.uscc) !== undefined) refuse('usccAlreadyRegistered', `USCC ${p.uscc} is already registered`);
  checkNewKeys(state, p.publicKeys);
  return [event('PartyRegistered', { partyId: p.partyId, uscc: p.uscc, name: p.name, roles: [...p.roles], keys: p.publicKeys.map((k) => ({ keyId: k.keyId, alg: k.alg, publicKey: k.publicKey })), at })];
};
