/** `key.add` [the party itself]: adds a key; rotation is `key.add` then `key.revoke`. */
import { activeKeysPerPartyMax, checkNewKeys, event, refuse, type Decider } from './shared.ts';

export const decideKeyAdd: Decider<'key.add'> = ({ key }, { state, actor, at }) => {
  checkNewKeys(state, [key]);
  if (state.activeKeyIds(actor).length >= activeKeysPerPartyMax) refuse('tooManyKeys', `${actor} already has ${activeKeysPerPartyMax} active keys`);
  return [event('KeyAdded', { partyId: actor, keyId: key.keyId, alg: key.alg, publicKey: key.publicKey, at })];
};
