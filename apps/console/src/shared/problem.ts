/** A refusal as a sentence a person can read: the ledger's title and detail, and its stable code. */
import { CascadeProblem, CascadeUnavailable } from '@cascade/sdk/client';

export function describeError(error: unknown): string {
  if (error instanceof CascadeProblem) {
    const { title, detail, code } = error.problem;
    return `${title}${detail && detail !== title ? ` — ${detail}` : ''} (${code}, HTTP ${error.status})`;
  }
  if (error instanceof CascadeUnavailable) return error.message;
  return error instanceof Error ? error.message : String(error);
}
