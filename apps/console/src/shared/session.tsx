/**
 * The signed-in party: the SDK client (holding the bearer token), the signer made from the key
 * file (in memory only: it goes when the tab closes or on sign-out), the party's roles, and the
 * language. Views read it through `useSession`.
 */
import { createContext, useContext } from 'react';
import type { AnySigner, CascadeClient, Role } from '@cascade/sdk/client';
import { translate, type Lang, type MessageKey } from './i18n.ts';

export interface Session {
  client: CascadeClient;
  partyId: string;
  roles: Role[];
  /** From a key file, or a key kept in this browser (a WebCrypto key signs asynchronously). */
  signer: AnySigner | null;
}

export interface SessionContextValue {
  session: Session;
  lang: Lang;
  t: (key: MessageKey) => string;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}

export function useT(lang: Lang): (key: MessageKey) => string {
  return (key) => translate(lang, key);
}
