/**
 * The Okta access issue panel. One resolver call (`panel/load`) renders it; each action answers with
 * the panel as it now stands, so a click costs one call too. Everything the viewer may do, and why a
 * button is disabled, is decided on the server with the same policy code that runs on the press. A
 * request waiting for approval shows how many approvals it has and needs, who gave them, who may give
 * them, and Approve / Deny (Deny with a required reason) for approvers. When an action meets a request
 * that changed since the panel loaded (PANEL.STALE), the panel says so in the server's words and
 * reloads. On a View access issue it lists the requester's grants a page at a time (`panel/grants`
 * for each further page), as the View access reply points people here for the rest.
 */
import React, { useCallback, useEffect, useState } from 'react';
import {
  Button,
  ButtonGroup,
  Checkbox,
  DynamicTable,
  ErrorMessage,
  Heading,
  HelperMessage,
  Inline,
  Label,
  Link,
  Lozenge,
  SectionMessage,
  Spinner,
  Stack,
  Text,
  TextArea,
} from '@forge/react';
import {
  MAX_DENY_REASON,
  PANEL_KEYS,
  UI_ERRORS,
  type ActionDto,
  type GrantDto,
  type GrantRowDto,
  type GrantsPageDto,
  type HistoryEntryDto,
  type OtherGrantDto,
  type PanelActionResult,
  type PanelData,
  type PersonDto,
} from '../../shared/panel-contract';
import {
  AUDIT_ACTION_LABELS,
  END_REASON_LABELS,
  GRANT_STATUS_LABELS,
  withoutCode,
  type GrantStatus,
} from '../../shared/vocabulary';
import { call, codeOf, messageOf } from '../shared/api';
import { formatTimeLeft, formatWhen, useServerNow } from '../shared/time';
import { shortWhen } from '../../shared/when';

type LozengeAppearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

const STATUS_APPEARANCE: Record<GrantStatus, LozengeAppearance> = {
  REQUESTED: 'new',
  GRANTING: 'inprogress',
  ACTIVE: 'success',
  REVOKING: 'inprogress',
  EXPIRED: 'default',
  REVOKED: 'default',
  REMOVED_EXTERNALLY: 'moved',
  DENIED: 'removed',
  FAILED: 'removed',
  WITHDRAWN: 'default',
};

function StatusLozenge({ status }: { status: GrantStatus }) {
  return <Lozenge appearance={STATUS_APPEARANCE[status]}>{GRANT_STATUS_LABELS[status]}</Lozenge>;
}

/** The confirmation (or, for Deny, the reason form) open under the buttons. */
type Confirming = 'relinquish' | 'revoke' | 'withdraw' | 'deny' | undefined;
type PanelActionKey =
  | typeof PANEL_KEYS.extend
  | typeof PANEL_KEYS.relinquish
  | typeof PANEL_KEYS.revoke
  | typeof PANEL_KEYS.withdraw
  | typeof PANEL_KEYS.approve
  | typeof PANEL_KEYS.deny;

/**
 * How a press is answered. `inForm`: a refusal is shown in the open form (which stays open, so the
 * person can correct what they typed) rather than at the top of the panel.
 */
interface ActOptions {
  inForm?: boolean;
}
type Act = (key: PanelActionKey, payload: Record<string, unknown>, options?: ActOptions) => Promise<void>;

const CONFIRM: Record<
  'relinquish' | 'revoke' | 'withdraw',
  { key: PanelActionKey; yes: string; appearance: 'danger' | 'warning' }
> = {
  relinquish: { key: PANEL_KEYS.relinquish, yes: 'Yes, relinquish', appearance: 'warning' },
  revoke: { key: PANEL_KEYS.revoke, yes: 'Yes, revoke', appearance: 'danger' },
  withdraw: { key: PANEL_KEYS.withdraw, yes: 'Yes, withdraw', appearance: 'warning' },
};

export function Panel() {
  const [data, setPanel] = useState<PanelData>();
  const [receivedAt, setReceivedAt] = useState<number>();
  const setData = useCallback((panel: PanelData) => {
    setPanel(panel);
    setReceivedAt(Date.now());
  }, []);
  const [loadError, setLoadError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  /** The server's words when an action met a request that changed since the panel loaded. */
  const [stale, setStale] = useState<string>();
  /** A refusal of what the open form sent (Deny's reason), shown in the form. */
  const [formError, setFormError] = useState<string>();
  const [confirming, setConfirming] = useState<Confirming>();

  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      setData(await call<PanelData>(PANEL_KEYS.load));
    } catch (e) {
      setLoadError(messageOf(e));
    }
  }, [setData]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = useCallback<Act>(
    async (key, payload, options = {}) => {
      setBusy(key);
      setNotice(undefined);
      setActionError(undefined);
      setStale(undefined);
      setFormError(undefined);
      if (!options.inForm) setConfirming(undefined);
      try {
        const result = await call<PanelActionResult>(key, payload);
        setConfirming(undefined);
        setData(result.panel);
        setNotice(result.notice);
      } catch (e) {
        const message = withoutCode(messageOf(e));
        if (codeOf(e) === UI_ERRORS.stale) {
          // What the panel showed is gone or replaced: say so, and show the request as it now stands.
          setConfirming(undefined);
          setStale(message);
          await load();
        } else if (options.inForm) {
          setFormError(message);
        } else {
          setActionError(message);
        }
      } finally {
        setBusy(undefined);
      }
    },
    [setData, load],
  );

  const now = useServerNow(data?.now, receivedAt);

  if (loadError && !data) {
    return (
      <SectionMessage appearance="error" title="Okta access could not be loaded">
        <Text>{loadError}</Text>
        <Button onClick={() => void load()}>Try again</Button>
      </SectionMessage>
    );
  }
  if (!data) {
    return (
      <Inline space="space.100" alignBlock="center">
        <Spinner size="small" label="Loading Okta access" />
        <Text>Loading Okta access…</Text>
      </Inline>
    );
  }

  const tz = data.viewer.timeZone;
  return (
    <Stack space="space.200">
      {notice && (
        <SectionMessage appearance="success">
          <Text>{notice}</Text>
        </SectionMessage>
      )}
      {actionError && (
        <SectionMessage appearance="error" title="That did not work">
          <Text>{actionError}</Text>
        </SectionMessage>
      )}
      {stale && (
        <SectionMessage appearance="warning" title="This request changed since the panel loaded">
          <Text>{stale}</Text>
          <Text>The panel has been reloaded and shows the request as it stands now.</Text>
        </SectionMessage>
      )}
      {loadError && (
        <SectionMessage appearance="warning">
          <Text>{`Could not refresh: ${loadError}`}</Text>
        </SectionMessage>
      )}
      {data.state === 'grant' && data.grant ? (
        <GrantView
          data={data}
          grant={data.grant}
          now={now}
          busy={busy}
          confirming={confirming}
          setConfirming={setConfirming}
          act={act}
          formError={formError}
        />
      ) : (
        <NoGrant data={data} />
      )}
      {data.otherGrants && <OtherGrants rows={data.otherGrants} tz={tz} isRequester={data.viewer.isRequester} />}
      {data.grants && <RequesterGrants first={data.grants} tz={tz} isRequester={data.viewer.isRequester} />}
      {data.history && data.history.length > 0 && <History rows={data.history} tz={tz} now={data.now} />}
      {data.restrictedNote && (
        <Text size="small" color="color.text.subtlest">
          {data.restrictedNote}
        </Text>
      )}
      <Inline space="space.100" alignBlock="center">
        <Button appearance="subtle" onClick={() => void load()} isDisabled={!!busy}>
          Refresh
        </Button>
        <Text size="small" color="color.text.subtlest">{`Times in ${tz}`}</Text>
      </Inline>
    </Stack>
  );
}

function NoGrant({ data }: { data: PanelData }) {
  switch (data.state) {
    case 'not-a-request':
      return (
        <Stack space="space.100">
          <Text>This issue is not an Okta access request.</Text>
          <Text size="small" color="color.text.subtlest">
            To request time-bound access to an Okta group, raise an issue with Access type and Admin group set.
          </Text>
        </Stack>
      );
    case 'no-grant-expected':
      return (
        <SectionMessage appearance="information" title={`${data.accessType} request`}>
          <Text>
            {data.accessType === 'Extend access'
              ? 'The app extends your running grant for the Admin group and answers with a comment on this issue. Your access is shown on the issue where it was granted.'
              : 'The app answers with a comment on this issue listing your grants. The full list is below, newest first.'}
          </Text>
        </SectionMessage>
      );
    default:
      return (
        <SectionMessage appearance="information" title="No grant yet">
          <Text>
            The app has not recorded this request yet. It usually appears within a few minutes of the issue being
            created; use Refresh to check again.
          </Text>
          <Text>If the app commented that something is missing or not allowed, fix it and raise a new request.</Text>
        </SectionMessage>
      );
  }
}

interface GrantViewProps {
  data: PanelData;
  grant: GrantDto;
  now: number | undefined;
  busy: string | undefined;
  confirming: Confirming;
  setConfirming: (c: Confirming) => void;
  act: Act;
  /** The server's refusal of the reason form's submission. */
  formError: string | undefined;
}

function GrantView({ data, grant, now, busy, confirming, setConfirming, act, formError }: GrantViewProps) {
  const tz = data.viewer.timeZone;
  const left =
    grant.status === 'ACTIVE' && grant.endsAt && now !== undefined ? Date.parse(grant.endsAt) - now : undefined;
  const actions = data.actions ?? {};
  const someone = data.viewer.isRequester ? 'your' : `${grant.requester.displayName}'s`;
  const waiting =
    grant.status === 'REQUESTED' && (grant.approval.state === 'awaiting' || !!actions.approve || !!actions.deny);
  const confirm = confirming && confirming !== 'deny' ? CONFIRM[confirming] : undefined;

  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Heading size="small">{grant.groupName}</Heading>
        <StatusLozenge status={grant.status} />
        {!grant.groupAllowlisted && <Lozenge appearance="moved">No longer allowlisted</Lozenge>}
      </Inline>
      <Text>{`Requested by ${grant.requester.displayName} on ${formatWhen(grant.requestedAt, tz)}`}</Text>
      {grant.startsAt && <Text weight="bold">{`Starts at ${formatWhen(grant.startsAt, tz)} (the planned start)`}</Text>}
      {grant.startsAt && grant.plannedEnd && <Text>{`Planned end: ${formatWhen(grant.plannedEnd, tz)}`}</Text>}
      {grant.startedAt && <Text>{`Start: ${formatWhen(grant.startedAt, tz)}`}</Text>}
      {grant.endsAt && <Text>{`${grant.endedAt ? 'Was due to end' : 'End'}: ${formatWhen(grant.endsAt, tz)}`}</Text>}
      {grant.endedAt && <Text>{`Ended: ${formatWhen(grant.endedAt, tz)}${endedWhy(grant)}`}</Text>}
      {left !== undefined && <Text weight="bold">{`Time left: ${formatTimeLeft(left)}`}</Text>}
      {waiting ? (
        <ApprovalSection
          data={data}
          grant={grant}
          busy={busy}
          denying={confirming === 'deny'}
          setConfirming={setConfirming}
          act={act}
          formError={formError}
        />
      ) : (
        <>
          <Text>{approvalText(grant)}</Text>
          <ApproverNote approver={data.approver} />
        </>
      )}
      {grant.maxExtensions !== undefined && grant.status === 'ACTIVE' && (
        <Text>{`Extensions used: ${grant.extensions} of ${grant.maxExtensions}`}</Text>
      )}
      {grant.preexistingMembership && (
        <Text>
          The requester was already a member of this group before this grant; the app will leave that membership in
          place.
        </Text>
      )}
      {grant.status === 'WITHDRAWN' && grant.reason ? (
        <SectionMessage
          appearance="information"
          title={
            grant.endedBy && grant.endedBy.accountId !== grant.requester.accountId
              ? `Cancelled by ${grant.endedBy.displayName}`
              : 'Withdrawn by the requester'
          }
        >
          <Text>{grant.reason}</Text>
          {grant.nextStep && <Text>{`What to do next: ${grant.nextStep}`}</Text>}
          {grant.reasonDetails && <Details text={grant.reasonDetails} />}
        </SectionMessage>
      ) : grant.status === 'DENIED' || grant.status === 'FAILED' ? (
        <SectionMessage
          appearance={grant.status === 'FAILED' ? 'error' : 'warning'}
          title={grant.status === 'FAILED' ? 'This grant failed' : 'This request was denied'}
        >
          <Text>{withoutCode(grant.reason ?? '')}</Text>
          {grant.nextStep && <Text>{`What to do next: ${grant.nextStep}`}</Text>}
          {grant.reasonDetails && <Details text={grant.reasonDetails} />}
        </SectionMessage>
      ) : (
        grant.nextStep && <Text color="color.text.subtle">{grant.nextStep}</Text>
      )}

      {(actions.extend || actions.relinquish || actions.revoke || actions.withdraw) && (
        <Stack space="space.100">
          <ButtonGroup label="Grant actions">
            {actions.withdraw && (
              <Button isDisabled={!actions.withdraw.enabled || !!busy} onClick={() => setConfirming('withdraw')}>
                {busy === PANEL_KEYS.withdraw ? 'Withdrawing…' : 'Withdraw request'}
              </Button>
            )}
            {actions.extend && (
              <Button
                appearance="primary"
                isDisabled={!actions.extend.enabled || !!busy}
                onClick={() => void act(PANEL_KEYS.extend, { grantId: grant.id })}
              >
                {busy === PANEL_KEYS.extend ? 'Extending…' : 'Extend'}
              </Button>
            )}
            {actions.relinquish && (
              <Button isDisabled={!actions.relinquish.enabled || !!busy} onClick={() => setConfirming('relinquish')}>
                {busy === PANEL_KEYS.relinquish ? 'Relinquishing…' : 'Relinquish'}
              </Button>
            )}
            {actions.revoke && (
              <Button
                appearance="danger"
                isDisabled={!actions.revoke.enabled || !!busy}
                onClick={() => setConfirming('revoke')}
              >
                {busy === PANEL_KEYS.revoke ? 'Revoking…' : 'Revoke'}
              </Button>
            )}
          </ButtonGroup>
          {actions.extend?.enabled && actions.extend.newEndsAt && (
            <Text
              size="small"
              color="color.text.subtlest"
            >{`Extend moves the end to ${formatWhen(actions.extend.newEndsAt, tz)}.`}</Text>
          )}
          <DisabledReason name="Extend" action={actions.extend} />
          <DisabledReason name="Relinquish" action={actions.relinquish} />
          <DisabledReason name="Revoke" action={actions.revoke} />
          <DisabledReason name="Withdraw" action={actions.withdraw} />
        </Stack>
      )}

      {confirming && confirm && (
        <SectionMessage
          appearance="warning"
          title={
            confirming === 'revoke'
              ? `Revoke ${someone} access?`
              : confirming === 'withdraw'
                ? 'Withdraw your request?'
                : 'Give up your access now?'
          }
        >
          <Text>
            {confirming === 'revoke'
              ? `${grant.requester.displayName} will be removed from ${grant.groupName} now, before the end time. This cannot be undone; they would need a new request.`
              : confirming === 'withdraw'
                ? `Your request for ${grant.groupName} ends now and will not be granted, even if the issue is approved later. This cannot be undone; you would need a new issue.`
                : `You will be removed from ${grant.groupName} now, before the end time. This cannot be undone; you would need a new request.`}
          </Text>
          <ButtonGroup label="Confirm">
            <Button
              appearance={confirm.appearance}
              onClick={() =>
                void act(
                  confirm.key,
                  confirming === 'revoke' ? { grantId: grant.id, confirm: true } : { grantId: grant.id },
                )
              }
            >
              {confirm.yes}
            </Button>
            <Button appearance="subtle" onClick={() => setConfirming(undefined)}>
              Cancel
            </Button>
          </ButtonGroup>
        </SectionMessage>
      )}
    </Stack>
  );
}

function DisabledReason({ name, action }: { name: string; action: ActionDto | undefined }) {
  if (!action || action.enabled || !action.reason) return null;
  return <Text size="small" color="color.text.subtle">{`${name} is not available: ${action.reason}`}</Text>;
}

/** What this viewer may do about a waiting request, or why not (from the server's approver policy). */
function ApproverNote({ approver }: { approver: PanelData['approver'] }) {
  if (!approver) return null;
  return (
    <SectionMessage
      appearance={approver.mayApprove ? 'information' : 'warning'}
      title={approver.mayApprove ? 'You may approve' : 'You cannot approve this request'}
    >
      <Text>{approver.message}</Text>
    </SectionMessage>
  );
}

const namesOf = (people: PersonDto[]): string => people.map((p) => p.displayName).join(', ');

interface ApprovalSectionProps {
  data: PanelData;
  grant: GrantDto;
  busy: string | undefined;
  denying: boolean;
  setConfirming: (c: Confirming) => void;
  act: Act;
  formError: string | undefined;
}

/**
 * A request waiting for approval: approvals given of those needed, by whom, the group's policy in
 * words, what this viewer may do, and Approve / Deny when the server offers them.
 */
function ApprovalSection({ data, grant, busy, denying, setConfirming, act, formError }: ApprovalSectionProps) {
  const { approve, deny } = data.actions ?? {};
  const { given, needed, approvedBy, policy } = grant.approval;
  const sameReason = !!approve?.reason && !!deny && !approve.enabled && !deny.enabled && approve.reason === deny.reason;
  return (
    <Stack space="space.100">
      <Heading size="xsmall">Approval</Heading>
      <Text>{needed !== undefined ? `Approvals: ${given ?? 0} of ${needed}` : approvalText(grant)}</Text>
      {approvedBy && approvedBy.length > 0 ? (
        <Text>{`Approved so far by: ${namesOf(approvedBy)}`}</Text>
      ) : (
        needed !== undefined && <Text>No approvals yet.</Text>
      )}
      {policy && <Text>{`Who may approve: ${policy}`}</Text>}
      <ApproverNote approver={data.approver} />
      {(approve || deny) && (
        <Stack space="space.100">
          <ButtonGroup label="Approve or deny this request">
            {approve && (
              <Button
                appearance="primary"
                isDisabled={!approve.enabled || !!busy}
                onClick={() => void act(PANEL_KEYS.approve, { grantId: grant.id })}
              >
                {busy === PANEL_KEYS.approve ? 'Approving…' : 'Approve request'}
              </Button>
            )}
            {deny && (
              <Button
                appearance="danger"
                isDisabled={!deny.enabled || !!busy || denying}
                onClick={() => setConfirming('deny')}
              >
                Deny request
              </Button>
            )}
          </ButtonGroup>
          {sameReason ? (
            <Text
              size="small"
              color="color.text.subtle"
            >{`Approve and Deny are not available: ${approve.reason ?? ''}`}</Text>
          ) : (
            <>
              <DisabledReason name="Approve" action={approve} />
              <DisabledReason name="Deny" action={deny} />
            </>
          )}
        </Stack>
      )}
      {denying && deny?.enabled && (
        <DenyForm
          grant={grant}
          busy={busy}
          error={formError}
          onSubmit={(reason) => void act(PANEL_KEYS.deny, { grantId: grant.id, reason }, { inForm: true })}
          onCancel={() => setConfirming(undefined)}
        />
      )}
    </Stack>
  );
}

interface DenyFormProps {
  grant: GrantDto;
  busy: string | undefined;
  /** The server's refusal of the last submission, in words. */
  error: string | undefined;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}

/**
 * Deny asks for a reason (the requester reads it in a comment): Submit stays disabled until one is
 * typed, and sends it trimmed. The server checks it again; its refusal shows under the field.
 */
function DenyForm({ grant, busy, error, onSubmit, onCancel }: DenyFormProps) {
  const [reason, setReason] = useState('');
  const trimmed = reason.trim();
  const tooLong = trimmed.length > MAX_DENY_REASON;
  const fieldId = `deny-reason-${grant.id}`;
  return (
    <SectionMessage appearance="warning" title={`Deny ${grant.requester.displayName}'s request?`}>
      <Text>
        {`The request for ${grant.groupName} ends now and will not be granted. ${grant.requester.displayName} reads your reason in a comment on this issue. This cannot be undone.`}
      </Text>
      <Stack space="space.050">
        <Label labelFor={fieldId}>Reason for denying (required)</Label>
        <TextArea
          id={fieldId}
          name="reason"
          value={reason}
          isRequired
          maxLength={MAX_DENY_REASON}
          isInvalid={tooLong || !!error}
          aria-invalid={tooLong || !!error}
          placeholder="Why is this access not granted?"
          onChange={(e) => setReason(String(e.target.value ?? ''))}
        />
        {tooLong ? (
          <ErrorMessage>{`Keep the reason to ${MAX_DENY_REASON} characters or fewer.`}</ErrorMessage>
        ) : error ? (
          <ErrorMessage>{error}</ErrorMessage>
        ) : (
          <HelperMessage>{`Required, up to ${MAX_DENY_REASON} characters.`}</HelperMessage>
        )}
      </Stack>
      <ButtonGroup label="Confirm the denial">
        <Button appearance="danger" isDisabled={!trimmed || tooLong || !!busy} onClick={() => onSubmit(trimmed)}>
          {busy === PANEL_KEYS.deny ? 'Denying…' : 'Submit denial'}
        </Button>
        <Button appearance="subtle" isDisabled={!!busy} onClick={onCancel}>
          Cancel
        </Button>
      </ButtonGroup>
    </SectionMessage>
  );
}

function endedWhy(g: GrantDto): string {
  if (!g.endReason) return '';
  if (g.endReason === 'REVOKED_BY_ADMIN' && g.endedBy) return ` (revoked by ${g.endedBy.displayName})`;
  return ` (${END_REASON_LABELS[g.endReason]})`;
}

function approvalText(g: GrantDto): string {
  switch (g.approval.state) {
    case 'approved':
      return `Approval: approved by ${
        g.approval.approvedBy && g.approval.approvedBy.length > 0
          ? namesOf(g.approval.approvedBy)
          : (g.approval.approver?.displayName ?? 'an approver')
      }`;
    case 'emergency':
      return 'Approval: skipped on the emergency path (flagged for review in the audit trail)';
    case 'awaiting':
      if (g.status !== 'REQUESTED') return 'Approval: not given';
      return g.approval.statusName
        ? `Approval: waiting; someone other than the requester must move this issue to "${g.approval.statusName}"`
        : 'Approval: waiting for an approver';
    default:
      return 'Approval: not required for this group';
  }
}

/**
 * The technical side of a reason (Okta path, HTTP status, codes, Okta request id), for whoever has to
 * fix it; closed until asked for. UI Kit 12 has no expandable section, and its Button takes no aria
 * props (no aria-expanded, and `isSelected` only changes the colour), so a Button could state "open"
 * only in its name, which screen readers do not announce again when it changes under the focus. A
 * Checkbox has a real checked state that every screen reader reads out on each press ("Show details,
 * checkbox, checked"), and its label is visible and clickable. UI Kit's Toggle would say "on/off", but
 * its `label` is only an aria-label (a visible one needs a separate Label) and the local UI Kit host
 * has no Atlaskit Toggle to draw it with (ADR 0032).
 */
function Details({ text, label = 'Show details' }: { text: string; label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack space="space.050">
      {/* The state is ours, flipped on each change: the event crosses the bridge as JSON, so nothing is
          read from it. */}
      <Checkbox label={label} isChecked={open} onChange={() => setOpen((o) => !o)} />
      {open && (
        <Text size="small" color="color.text.subtle">
          {text}
        </Text>
      )}
    </Stack>
  );
}

function History({ rows, tz, now }: { rows: HistoryEntryDto[]; tz: string; now: string }) {
  const technical = rows.filter((r) => r.details).map((r) => `${shortWhen(r.at, tz, now)}: ${r.details ?? ''}`);
  return (
    <Stack space="space.100">
      <Heading size="xsmall">History</Heading>
      <DynamicTable
        // `label`, not `caption`: a caption is drawn as a second heading under the one above (seen in the
        // UI Kit host, ADR 0028); the label names the table for assistive technology only.
        label="History of this grant"
        head={{
          cells: [
            { key: 'at', content: 'When' },
            { key: 'who', content: 'Who' },
            { key: 'what', content: 'What' },
          ],
        }}
        rows={rows.map((r, i) => ({
          // seq is 0 for entries not yet sequenced (ADR 0019): the position keeps keys unique.
          key: r.seq > 0 ? String(r.seq) : `pending-${i}`,
          cells: [
            // Short and unbreakable, so the column never wraps at the panel's width; the zone is said once below.
            { key: 'at', content: shortWhen(r.at, tz, now) },
            { key: 'who', content: r.actor.displayName },
            {
              key: 'what',
              content: r.detail ? `${AUDIT_ACTION_LABELS[r.action]}: ${r.detail}` : AUDIT_ACTION_LABELS[r.action],
            },
          ],
        }))}
      />
      {technical.length > 0 && <Details text={technical.join(' · ')} label="Show technical details" />}
    </Stack>
  );
}

function OtherGrants({ rows, tz, isRequester }: { rows: OtherGrantDto[]; tz: string; isRequester: boolean }) {
  const title = isRequester ? 'Your other active access' : "The requester's other active access";
  return (
    <Stack space="space.100">
      <Heading size="xsmall">{title}</Heading>
      {rows.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <DynamicTable
          label={title}
          head={{
            cells: [
              { key: 'group', content: 'Group' },
              { key: 'status', content: 'Status' },
              { key: 'ends', content: 'Ends' },
              { key: 'issue', content: 'Issue' },
            ],
          }}
          rows={rows.map((r) => ({
            key: r.id,
            cells: [
              { key: 'group', content: r.groupName },
              { key: 'status', content: <StatusLozenge status={r.status} /> },
              { key: 'ends', content: formatWhen(r.endsAt, tz) },
              { key: 'issue', content: <Link href={`/browse/${r.issueKey}`}>{r.issueKey}</Link> },
            ],
          }))}
        />
      )}
    </Stack>
  );
}

/**
 * The requester's grants on a View access issue: running ones, then those of the last 90 days, newest
 * first. "Show more" asks for the next page with the cursor the last one gave and appends it; a new
 * panel load (Refresh, an action) starts again from the first page.
 */
function RequesterGrants({ first, tz, isRequester }: { first: GrantsPageDto; tz: string; isRequester: boolean }) {
  const [rows, setRows] = useState<GrantRowDto[]>(first.rows);
  const [cursor, setCursor] = useState<string | undefined>(first.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    setRows(first.rows);
    setCursor(first.nextCursor);
    setError(undefined);
  }, [first]);

  const more = useCallback(async () => {
    if (!cursor) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await call<GrantsPageDto>(PANEL_KEYS.grants, { cursor });
      // Two index reads can meet one grant twice at a page boundary while it changes: show it once.
      setRows((shown) => [...shown, ...page.rows.filter((r) => !shown.some((s) => s.id === r.id))]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  }, [cursor]);

  const title = isRequester ? 'Your Okta access' : "The requester's Okta access";
  return (
    <Stack space="space.100">
      <Heading size="xsmall">{title}</Heading>
      <Text size="small" color="color.text.subtlest">
        Running grants first, then those requested in the last 90 days, newest first.
      </Text>
      {rows.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <DynamicTable
          label={title}
          head={{
            cells: [
              { key: 'group', content: 'Group' },
              { key: 'start', content: 'Start' },
              { key: 'end', content: 'End' },
              { key: 'status', content: 'Status' },
              { key: 'issue', content: 'Issue' },
            ],
          }}
          rows={rows.map((r) => ({
            key: r.id,
            cells: [
              { key: 'group', content: r.groupName },
              {
                key: 'start',
                content: r.startsAt ? `starts at ${formatWhen(r.startsAt, tz)}` : formatWhen(r.startedAt, tz),
              },
              { key: 'end', content: formatWhen(r.endedAt ?? r.endsAt, tz) },
              { key: 'status', content: <StatusLozenge status={r.status} /> },
              { key: 'issue', content: <Link href={`/browse/${r.issueKey}`}>{r.issueKey}</Link> },
            ],
          }))}
        />
      )}
      {error && (
        <SectionMessage appearance="error" title="Could not load more">
          <Text>{error}</Text>
        </SectionMessage>
      )}
      {cursor && (
        <Button appearance="subtle" isDisabled={loading} onClick={() => void more()}>
          {loading ? 'Loading…' : 'Show more'}
        </Button>
      )}
    </Stack>
  );
}
