/**
 * Live updates: one event stream per signed-in session (`GET /v1/events`, read by the SDK with
 * fetch, since EventSource cannot send the bearer token). Views subscribe to it with
 * `useLiveEvents` and reload what they show when an event concerning the viewer arrives; the
 * page never applies an event itself (it holds no business rules), it only asks again. A stream
 * that drops is reopened with a backoff (1 s, 2 s, 4 s … at most 30 s), and the views reload then
 * too, since events that happen while it is closed are not kept. It stops for good when the
 * gateway says the token is revoked or expired (an `end` event, or 401).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CascadeProblem, type CascadeClient, type LiveEventData } from '@cascade/sdk/client';
import { useSession } from '../shared/session.tsx';
import type { MessageKey } from '../shared/i18n.ts';

export type LiveState = 'connecting' | 'live' | 'retrying' | 'ended';

export const reconnectDelayMsFirst = 1_000;
export const reconnectDelayMsMax = 30_000;

/** What a listener is told: an event, or that the stream (re)opened and anything may have changed. */
export type LiveSignal = { kind: 'event'; event: LiveEventData } | { kind: 'reopened' };
type Listener = (signal: LiveSignal) => void;

interface LiveValue {
  state: LiveState;
  subscribe: (listener: Listener) => () => void;
}

const LiveContext = createContext<LiveValue | null>(null);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

async function follow(client: CascadeClient, signal: AbortSignal, setState: (s: LiveState) => void, tell: (s: LiveSignal) => void): Promise<void> {
  let delayMs = reconnectDelayMsFirst;
  let attempts = 0;
  while (!signal.aborted) {
    try {
      const onOpen = () => {
        setState('live');
        delayMs = reconnectDelayMsFirst;
        // What changed while the stream was closed was not kept: the views ask again.
        if (attempts > 0) tell({ kind: 'reopened' });
      };
      for await (const e of client.streamEvents({ signal, onOpen })) {
        if (e.event === 'end') {
          const reason = (e.data as { reason: string }).reason;
          if (reason === 'tokenRevoked' || reason === 'tokenExpired') {
            setState('ended');
            return;
          }
          break;
        }
        tell({ kind: 'event', event: e.data as LiveEventData });
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof CascadeProblem && error.status === 401) {
        setState('ended');
        return;
      }
    }
    if (signal.aborted) return;
    setState('retrying');
    await sleep(delayMs, signal);
    delayMs = Math.min(reconnectDelayMsMax, delayMs * 2);
    attempts += 1;
  }
}

/** Opens the session's stream while mounted. The stream counts as live once its header arrived. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    const abort = new AbortController();
    const tell = (s: LiveSignal) => {
      for (const l of listeners.current) l(s);
    };
    setState('connecting');
    void follow(session.client, abort.signal, setState, tell);
    return () => abort.abort();
  }, [session]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/**
 * Calls `reload` when an event whose type starts with one of `prefixes` (`Voucher`, `Financing`) arrives or the
 * stream reopens; several events close together cause one reload.
 */
export function useLiveReload(reload: () => void, prefixes: readonly string[]): void {
  const subscribe = useContext(LiveContext)?.subscribe;
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (!subscribe) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = subscribe((signal) => {
      if (signal.kind === 'event' && !prefixes.some((p) => signal.event.type.startsWith(p))) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => latest.current(), 200);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, prefixes.join()]);
}

const stateLabel: Record<LiveState, MessageKey> = { connecting: 'liveConnecting', live: 'liveOn', retrying: 'liveRetrying', ended: 'liveEnded' };

/** The small indicator in the header: whether the page is following the ledger live. */
export function LiveIndicator() {
  const live = useContext(LiveContext);
  const { t } = useSession();
  if (!live) return null;
  return (
    <span role="status" className={`live live-${live.state}`} data-testid="live-indicator" data-state={live.state}>
      {t(stateLabel[live.state])}
    </span>
  );
}
