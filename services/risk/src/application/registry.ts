/**
 * The financing registry (中登网) as the risk service sees it: the workflows service's record of
 * the financing's registry search (`GET /v1/financings/{voucherId}/registry`, asked as the funder
 * named in the request, docs/workflows.md). What it answered is kept in the assessment's inputs, so
 * a re-run reads the same; a record not to be had (the service away, the search not answered yet)
 * is `null` or `searched: false`, and the assessment says so in a note — the gateway's hard stop
 * at approval still holds the financing until the search is answered clean.
 */
import { signInternalToken, internalIdentityHeader } from '@cascade/service';

/** What an assessment reads of the registry: was the search answered, and what is in force. */
export interface RegistryView {
  searched: boolean;
  /** Registration numbers (登记证明编号) of the hits in force. */
  activeRegistrations: string[];
}

export type RegistryLookup = (voucherId: string, funder: string) => Promise<RegistryView | null>;

/** Longest an assessment waits for the workflows service. */
export const registryLookupTimeoutMs = 2_000;

export function workflowsRegistryLookup(options: { url: string; key: Buffer; timeoutMs?: number }): RegistryLookup {
  return async (voucherId, funder) => {
    try {
      const res = await fetch(new URL(`/v1/financings/${encodeURIComponent(voucherId)}/registry`, options.url), {
        headers: { [internalIdentityHeader]: signInternalToken(options.key, { sub: funder, aud: 'workflows' }) },
        signal: AbortSignal.timeout(options.timeoutMs ?? registryLookupTimeoutMs),
      });
      if (res.status === 404) return { searched: false, activeRegistrations: [] };
      if (res.status !== 200) return null;
      const body = (await res.json()) as { search?: { state?: string; activeHits?: { registrationNumber?: unknown }[] } };
      const hits = Array.isArray(body.search?.activeHits) ? body.search!.activeHits! : [];
      return { searched: body.search?.state === 'done', activeRegistrations: hits.map((h) => String(h.registrationNumber)).slice(0, 100) };
    } catch {
      return null;
    }
  };
}
