/**
 * The confirmation every destructive admin action goes through (revoke, retry a removal, remove a group
 * from the allowlist, cancel a request): an Atlaskit modal (@atlaskit/modal-dialog) that says what will
 * happen and asks why; the reason goes to the resolver and lands in the audit entry.
 *
 * The modal gives the blanket over the page, aria-modal, Escape as a close request and a focus lock
 * (react-focus-lock's guards sit inside this document, so Tab wraps from the last control to the first
 * instead of leaving Jira's iframe for the host page). Focus returns to the control that opened it,
 * which is read here before the modal mounts so the return does not depend on the lock's own record.
 */
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import ModalDialog, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { useCallback, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

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
 * screen, and the modal's usual place (60 px from the top of that viewport) far from where the admin is
 * looking: a frame that tall gets the modal beside the control that opened it (which the admin just
 * clicked, so it is on screen). The positioner's offset is an !important rule in Atlaskit's CSS, so
 * only an inline !important moves it.
 */
function placeNear(positioner: HTMLElement, modal: HTMLElement, opener: HTMLElement | null) {
  const frameHeight = window.innerHeight;
  if (!opener || frameHeight <= 1000) return;
  const top = opener.getBoundingClientRect().top - 160;
  const at = Math.max(16, Math.min(top, frameHeight - modal.offsetHeight - 16));
  positioner.style.setProperty('inset-block-start', `${at}px`, 'important');
  positioner.style.setProperty('max-height', `${frameHeight - at - 16}px`, 'important');
}

export function ReasonDialog(props: ReasonDialogProps) {
  const { open, onClose, testId } = props;
  const opener = useRef<HTMLElement | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const fieldId = `${useId()}-reason`;

  // Runs before the modal's focus lock takes the focus: remember the opener, start from an empty form.
  useLayoutEffect(() => {
    if (open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setReason('');
      setError(undefined);
    }
  }, [open]);

  // Once closed (the modal unmounted with its lock): back where the admin was; if that control is gone
  // (the row left the list), the page keeps focus.
  useLayoutEffect(() => {
    if (open) return;
    const back = opener.current;
    opener.current = null;
    if (back?.isConnected) back.focus();
  }, [open]);

  // The modal's content mounts in a portal: place it once it is in the document.
  const placed = useCallback((body: HTMLElement | null) => {
    const modal = body?.closest<HTMLElement>('[role="dialog"]');
    const positioner = modal?.parentElement;
    if (modal && positioner) placeNear(positioner, modal, opener.current);
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

  if (!open) return null;
  return (
    <ModalDialog
      testId={testId}
      width="small"
      autoFocus={field}
      // Escape and a click on the blanket ask to close; while the action runs, the answer is no.
      onClose={() => {
        if (!busy) onClose();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <ModalHeader>
          <ModalTitle appearance="danger">{props.title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <div ref={placed} style={{ marginBottom: token('space.200', '16px') }}>
            {props.children}
          </div>
          <Label htmlFor={fieldId}>{`${props.reasonLabel ?? 'Reason (kept in the audit trail)'} *`}</Label>
          <TextArea
            ref={field}
            id={fieldId}
            name="reason"
            testId={`${testId}-reason`}
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
          <div id={`${fieldId}-msg`} data-testid={`${testId}-message`}>
            {error ? (
              <ErrorMessage>{error}</ErrorMessage>
            ) : (
              <HelperMessage>{`Required; at most ${props.maxLength} characters.`}</HelperMessage>
            )}
          </div>
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" testId={`${testId}-cancel`} isDisabled={busy} onClick={onClose}>
            Keep it
          </Button>
          <Button type="submit" appearance="danger" testId={`${testId}-confirm`} isLoading={busy}>
            {props.confirmLabel}
          </Button>
        </ModalFooter>
      </form>
    </ModalDialog>
  );
}
