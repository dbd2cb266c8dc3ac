/**
 * Shows the exact command before it is signed: the SDK builds it (chain id, nonce, time), the page
 * shows it, and only a click signs it with the key in memory and submits it. The outcome — the
 * committed operation or the ledger's refusal — stays on the page.
 */
import { useEffect, useRef, useState } from 'react';
import { signCommandAsync, type Command, type CommandPayloads, type CommandType } from '@cascade/sdk/client';
import { describeError } from './problem.ts';
import { useSession } from './session.tsx';

export interface PendingCommand<T extends CommandType = CommandType> {
  type: T;
  payload: CommandPayloads[T];
}

export function SignDialog({ pending, onDone }: { pending: PendingCommand; onDone: (committed: boolean) => void }) {
  const { session, t, lang } = useSession();
  const [command, setCommand] = useState<Command | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const signButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    session.client.buildCommand(pending.type, session.partyId, pending.payload as never).then(
      (built) => live && setCommand(built as Command),
      (error: unknown) => live && setOutcome({ ok: false, text: describeError(error, lang) }),
    );
    return () => {
      live = false;
    };
  }, [pending, session]);
  useEffect(() => signButton.current?.focus(), [command]);
  // The focus goes back to what opened the dialog (the form's button, the row's) when it closes, if that is still there.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  async function sign() {
    if (!command || !session.signer) return;
    setBusy(true);
    try {
      const accepted = await session.client.submit(await signCommandAsync(command, [session.signer]));
      setOutcome({ ok: true, text: `${t('committed')}: ${accepted.opId}` });
    } catch (error) {
      setOutcome({ ok: false, text: describeError(error, lang) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      role="dialog"
      aria-labelledby="sign-title"
      className="sign-dialog"
      data-testid="sign-dialog"
      // Escape puts the command away unsigned (not while it is being submitted, nor once it has an outcome to acknowledge).
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !outcome && !busy) onDone(false);
      }}
    >
      <h2 id="sign-title">{t('signing')}</h2>
      <p>{t('signingHint')}</p>
      {command && <pre data-testid="command-preview">{JSON.stringify(command, null, 2)}</pre>}
      {!session.signer && <p role="alert">{t('keyNeeded')}</p>}
      {outcome ? (
        <>
          <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'refused'} data-testid={outcome.ok ? 'outcome-ok' : 'outcome-refused'}>
            {outcome.ok ? '' : `${t('refused')}: `}
            {outcome.text}
          </p>
          <button type="button" onClick={() => onDone(outcome.ok)} autoFocus>
            OK
          </button>
        </>
      ) : (
        <div className="buttons">
          <button type="button" ref={signButton} disabled={!command || !session.signer || busy} onClick={() => void sign()} data-testid="sign-submit">
            {t('signAndSubmit')}
          </button>
          <button type="button" onClick={() => onDone(false)}>
            {t('cancel')}
          </button>
        </div>
      )}
    </section>
  );
}
