/**
 * The confirmation every destructive admin action goes through (revoke, retry a removal, remove a group
 * from the allowlist, cancel a request): a modal that says what will happen and asks why; the reason
 * goes to the resolver and lands in the audit entry.
 *
 * Built on the browser's own modal <dialog> (showModal) with Atlaskit's textarea, button and tokens,
 * because @atlaskit/modal-dialog is not a dependency of this package (only a hoisted transitive one of
 * @forge/react at the root, at other @atlaskit/tokens majors). showModal gives what the Atlaskit modal
 * gives: the rest of the page inert, Escape as cancel, the top layer. Focus is kept inside by the
 * dialog itself (Tab wraps from the last control to the first): in Jira's iframe, the browser would
 * let Tab carry it out to the host page, which showModal does not make inert. Focus goes back to the
 * control that opened it (the browser's own restore is not relied on).
 */
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface ReasonDialogProps {
  /** Open while set; the screen clears it from onClose. */
  open: boolean;
  title: string;
  /** What happens, for the person deciding (who, which group, what stays). */
  children: ReactNode;
  confirmLabel: string;
  /** What the reason is for, as the field's label. */
  reasonLabel?: string;
  maxLength: number;
  /**
   * Runs the action with the trimmed reason. Answer a message to keep the dialog open with it under the
   * field (e.g. the server refused the reason); answer nothing to close it.
   */
  onConfirm: (reason: string) => Promise<string | undefined>;
  onClose: () => void;
  testId: string;
}

/**
 * Jira grows a Custom UI iframe to its content, so the frame's viewport can be far taller than the
 * screen and its middle far from where the admin is looking: a frame that tall gets the dialog beside
 * the control that opened it (which the admin just clicked, so it is on screen).
 */
function placeNear(d: HTMLDialogElement, opener: HTMLElement | null) {
  const frameHeight = window.innerHeight;
  if (!opener || frameHeight <= 1000) {
    d.style.marginTop = '';
    return;
  }
  const top = opener.getBoundingClientRect().top - 160;
  d.style.marginTop = `${Math.max(16, Math.min(top, frameHeight - d.offsetHeight - 16))}px`;
}

const BACKDROP_CSS = `dialog[data-reason-dialog]::backdrop{background:${token('color.blanket', 'rgba(9,30,66,0.54)')}}`;

export function ReasonDialog(props: ReasonDialogProps) {
  const { open, onClose } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const titleId = `${id}-title`;
  const fieldId = `${id}-reason`;

  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setReason('');
      setError(undefined);
      d.showModal();
      placeNear(d, opener.current);
      d.querySelector<HTMLTextAreaElement>('textarea')?.focus();
    } else if (!open && d.open) {
      d.close();
      // Back where the admin was; if that control is gone (the row left the list), the page keeps focus.
      if (opener.current?.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [open]);

  // Escape is the dialog's cancel event: close through the screen's state, unless the action is running.
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onCancel = (e: Event) => {
      e.preventDefault();
      if (!busy) onClose();
    };
    d.addEventListener('cancel', onCancel);
    return () => d.removeEventListener('cancel', onCancel);
  }, [busy, onClose]);

  // Tab and Shift+Tab wrap inside the dialog (see the header comment).
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const tabbable = [
        ...d.querySelectorAll<HTMLElement>('button, textarea, input, select, a[href], [tabindex]:not([tabindex="-1"])'),
      ].filter((el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0);
      if (tabbable.length === 0) return;
      const first = tabbable[0];
      const last = tabbable[tabbable.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    d.addEventListener('keydown', onKeyDown);
    return () => d.removeEventListener('keydown', onKeyDown);
  }, []);

  async function confirm() {
    const r = reason.trim();
    if (!r) return setError('Reason is required: it is kept in the audit trail.');
    if (r.length > props.maxLength) return setError(`At most ${props.maxLength} characters (${r.length} now).`);
    setBusy(true);
    setError(undefined);
    try {
      const problem = await props.onConfirm(r);
      if (problem) setError(problem);
      else onClose();
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      data-reason-dialog=""
      data-testid={props.testId}
      aria-labelledby={titleId}
      aria-modal="true"
      style={{
        border: 'none',
        borderRadius: 8,
        padding: 0,
        width: 'min(480px, calc(100vw - 32px))',
        background: token('elevation.surface.overlay', '#FFFFFF'),
        color: token('color.text', '#172B4D'),
        boxShadow: token('elevation.shadow.overlay', '0 8px 12px rgba(9,30,66,0.15)'),
      }}
    >
      <style>{BACKDROP_CSS}</style>
      {open && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
          style={{ padding: token('space.300', '24px') }}
        >
          <h2 id={titleId} style={{ marginTop: 0, fontSize: 20 }}>
            {props.title}
          </h2>
          <div style={{ marginBottom: token('space.200', '16px') }}>{props.children}</div>
          <Label htmlFor={fieldId}>{`${props.reasonLabel ?? 'Reason (kept in the audit trail)'} *`}</Label>
          <TextArea
            id={fieldId}
            name="reason"
            testId={`${props.testId}-reason`}
            value={reason}
            isInvalid={!!error}
            isRequired
            minimumRows={3}
            aria-describedby={`${fieldId}-msg`}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(undefined);
            }}
          />
          <div id={`${fieldId}-msg`} data-testid={`${props.testId}-message`}>
            {error ? (
              <ErrorMessage>{error}</ErrorMessage>
            ) : (
              <HelperMessage>{`Required; at most ${props.maxLength} characters.`}</HelperMessage>
            )}
          </div>
          <div
            style={{
              display: 'flex',
              justifyContent: 'flex-end',
              gap: token('space.100', '8px'),
              marginTop: token('space.300', '24px'),
            }}
          >
            <Button appearance="subtle" testId={`${props.testId}-cancel`} isDisabled={busy} onClick={onClose}>
              Keep it
            </Button>
            <Button type="submit" appearance="danger" testId={`${props.testId}-confirm`} isLoading={busy}>
              {props.confirmLabel}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
