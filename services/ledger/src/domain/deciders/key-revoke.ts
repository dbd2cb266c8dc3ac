/** `key.revoke` [the party owning the key]: revokes one of its keys, never its last active one. */
import { event, refuse, type Decider } from './shared.ts';

export const decideKeyRevoke: Decider<'key.revoke'> = ({ keyId }, { state, actor, at }) => {
  const key = state.key(keyId);
  if (key === undefined || key.partyId !== actor) refuse('unknownKey', `no key ${keyId} is registered to ${actor}`);
  if (key.revokedAt !== null) refuse('keyAlreadyRevoked', `key ${keyId} was revoked at ${key.revokedAt}`);
  if (state.activeKeyIds(actor).length <= 1) refuse('lastActiveKey', `key ${keyId} is the last active key of ${actor}`);
  return [event('KeyRevoked', { partyId: actor, keyId, at })];
};
