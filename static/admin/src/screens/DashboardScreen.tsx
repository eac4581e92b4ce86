import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { useState, type ReactNode } from 'react';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  type AcknowledgeAlertInput,
  MAX_ADMIN_REASON_LENGTH,
  type DashboardAlertAck,
  type DashboardCatchUp,
  type DashboardDeniedRequest,
  type DashboardGrant,
  type DashboardPendingRequest,
  type DashboardView,
  type RevokeResult,
} from '../../../../src/shared/admin-contract';
import { GRANT_STATUS_LABELS, withoutCode, type GrantStatus } from '../../../../src/shared/vocabulary';
import { call, errorOf } from '../api';
import { BarChart } from '../components/BarChart';
import { ConnectionStatusLine } from '../components/ConnectionStatus';
import { ReasonDialog } from '../components/ReasonDialog';
import { SelfCheckStatus } from '../components/SelfCheckStatus';
import {
  Empty,
  formatTime,
  Loading,
  LoadProblem,
  Notice,
  Problem,
  relative,
  sectionStyle,
  useLoad,
} from '../components/ui';
import { Expandable } from '../components/Expandable';

const LOZENGE: Record<GrantStatus, 'success' | 'inprogress' | 'moved' | 'removed' | 'default' | 'new'> = {
  REQUESTED: 'new',
  GRANTING: 'inprogress',
  ACTIVE: 'success',
  REVOKING: 'moved',
  EXPIRED: 'default',
  REVOKED: 'default',
  REMOVED_EXTERNALLY: 'default',
  DENIED: 'removed',
  FAILED: 'removed',
  WITHDRAWN: 'default',
};

/**
 * What a revoke did, from the grant's state read back after the call: the dashboard reloaded (when it
 * could be) is the truth, the call's own read-back otherwise. Ended grants leave the list.
 */
function revokeOutcome(
  answer: RevokeResult,
  fresh: DashboardView | undefined,
  id: string,
): Pick<RevokeResult, 'outcome' | 'problem' | 'nextAttemptAt'> {
  if (!fresh) return answer;
  const row = fresh.grants.find((g) => g.id === id);
  if (!row) return { outcome: 'done' };
  if (row.status === 'FAILED')
    return { outcome: 'failed', problem: row.problem ? withoutCode(row.problem) : answer.problem };
  if (row.status === 'REVOKING' && row.problem) return { outcome: 'retrying', problem: withoutCode(row.problem) };
  return answer.outcome === 'done' ? { outcome: 'queued' } : answer;
}

type RevokeNotice = { kind: 'success' | 'information' | 'error'; title?: string; message: string };

function revokeNotice(g: DashboardGrant, o: Pick<RevokeResult, 'outcome' | 'problem'>): RevokeNotice {
  const from = `${g.requesterName} from ${g.groupName} (${g.issueKey})`;
  switch (o.outcome) {
    case 'done':
      return {
        kind: 'success',
        message: `Access of ${g.requesterName} to ${g.groupName} (${g.issueKey}) is revoked: the grant has ended.`,
      };
    case 'queued':
      return {
        kind: 'information',
        message: `Queued: the removal of ${from} is running. This dashboard shows the outcome; use Refresh.`,
      };
    case 'retrying':
      return {
        kind: 'error',
        title: 'Not removed yet',
        message: `Okta did not remove ${from}: ${o.problem ?? 'it answered with an error.'} The app keeps trying by itself.`,
      };
    case 'failed':
      return {
        kind: 'error',
        title: 'Not revoked',
        message: `Okta did not remove ${from}: ${o.problem ?? 'the removal failed.'}`,
      };
  }
}

/**
 * Totals as of the hourly count (ADR 0022): the table shows at most a page of each status, so these say
 * how many there are in all, and how old that figure is.
 */
function GrantCounts({ view }: { view: DashboardView }) {
  const c = view.counts;
  const n = (s: GrantStatus) => (c?.byStatus[s] ?? 0).toLocaleString('en-US');
  return (
    <p data-testid="grant-counts" style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>
      {c
        ? `Counts as of ${formatTime(c.asOf)}: ${n('ACTIVE')} active, ${n('GRANTING')} granting, ${n('REVOKING')} revoking, ${n('FAILED')} failed; ${n('REQUESTED')} waiting for approval. Rows below are live.`
        : 'Totals appear after the first hourly count. Rows below are live.'}
    </p>
  );
}

function Stat({
  label,
  value,
  hint,
  bad,
  testId,
  footer,
}: {
  label: string;
  value: string | number;
  hint?: string;
  bad?: boolean;
  testId: string;
  footer?: ReactNode;
}) {
  return (
    <div
      data-testid={testId}
      style={{
        border: `1px solid ${bad ? token('color.border.danger', '#E34935') : token('color.border', '#DFE1E6')}`,
        borderRadius: 4,
        padding: token('space.150', '12px'),
        minWidth: 160,
        maxWidth: 360,
      }}
    >
      <div style={{ fontSize: 12, color: token('color.text.subtle', '#505F79') }}>{label}</div>
      <div
        data-testid={`${testId}-value`}
        style={{ fontSize: 20, fontWeight: 600, color: bad ? token('color.text.danger', '#AE2E24') : undefined }}
      >
        {value}
      </div>
      {hint && (
        <div className="card-text" style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>
          {hint}
        </div>
      )}
      {footer}
    </div>
  );
}

type Alert = AcknowledgeAlertInput['alert'];

/**
 * A card's acknowledgement (ADR 0017): the button while something is counted, who acknowledged last,
 * and why an acknowledgement was refused (the cause still there).
 */
function AckFooter({
  alert,
  count,
  ack,
  now,
  what,
  busy,
  problem,
  onAcknowledge,
}: {
  alert: Alert;
  count: number;
  ack: DashboardAlertAck;
  now: string;
  /** What is counted, singular and plural. */
  what: [string, string];
  busy: boolean;
  problem?: string;
  onAcknowledge: (alert: Alert) => void;
}) {
  const small = { fontSize: 12, color: token('color.text.subtlest', '#6B778C') };
  const a = ack.acknowledged;
  return (
    <div style={{ marginTop: token('space.075', '6px') }}>
      {a && (
        <div data-testid={`ack-${alert}-by`} style={small}>
          {`${a.count} ${what[a.count === 1 ? 0 : 1]} acknowledged by ${a.byName} ${relative(a.at, now)}`}
          {count > 0 ? '; newer ones count again.' : '.'}
        </div>
      )}
      {count > 0 && (
        <Button
          testId={`ack-${alert}`}
          spacing="compact"
          isLoading={busy}
          onClick={() => onAcknowledge(alert)}
          title="Once the cause is resolved: the card stops counting these; new ones count again."
        >
          Acknowledge
        </Button>
      )}
      {problem && (
        <div
          data-testid={`ack-${alert}-problem`}
          role="alert"
          style={{ ...small, color: token('color.text.danger', '#AE2E24') }}
        >
          {problem}
        </div>
      )}
    </div>
  );
}

function Health({
  view,
  busy,
  problems,
  onAcknowledge,
}: {
  view: DashboardView;
  busy?: Alert;
  problems: Partial<Record<Alert, string>>;
  onAcknowledge: (alert: Alert) => void;
}) {
  const h = view.health;
  return (
    <section aria-label="Health" style={{ display: 'flex', gap: token('space.150', '12px'), flexWrap: 'wrap' }}>
      <Stat
        testId="last-sweep"
        label="Last sweep"
        value={h.lastSweepAt ? relative(h.lastSweepAt, view.now) : 'not yet'}
        hint={h.lastSweepAt ? formatTime(h.lastSweepAt) : 'The 5-minute sweep has not run since install.'}
        bad={h.sweepLate}
      />
      <Stat
        testId="next-sweep"
        label="Next sweep"
        value={h.nextSweepAt ? relative(h.nextSweepAt, view.now) : '—'}
        hint={
          h.sweepLate
            ? "Late: check the app's scheduled trigger in the Forge logs."
            : h.nextSweepAt
              ? formatTime(h.nextSweepAt)
              : undefined
        }
        bad={h.sweepLate}
      />
      <Stat
        testId="overdue"
        label="Overdue revocations"
        value={h.overdueRevocationsMore ? `${h.overdueRevocations}+` : h.overdueRevocations}
        hint={`Still in Okta more than 5 min after removal was due (its end time, or when it was revoked or retried). Cannot be acknowledged: it clears once the membership is removed.${
          h.overdueRevocationsMore
            ? ` Counted live among the rows shown; more may follow${
                view.counts ? ` (${view.counts.overdueRevocations} at ${formatTime(view.counts.asOf)})` : ''
              }.`
            : ''
        }`}
        bad={h.overdueRevocations > 0}
      />
      <Stat
        testId="okta-errors"
        label="Okta errors (24 h)"
        value={h.oktaErrors24h}
        hint={h.recentOktaErrors[0] ? `Latest: ${h.recentOktaErrors[0].message}` : undefined}
        bad={h.oktaErrors24h > 0}
        footer={
          <AckFooter
            alert="okta-errors"
            count={h.oktaErrors24h}
            ack={h.acks.oktaErrors}
            now={view.now}
            what={['Okta error', 'Okta errors']}
            busy={busy === 'okta-errors'}
            problem={problems['okta-errors']}
            onAcknowledge={onAcknowledge}
          />
        }
      />
      {h.unmanagedMembers && (
        <Stat
          testId="drift"
          label="Members without a grant"
          value={h.unmanagedMembers.count}
          hint={`Found by the reconcile ${relative(h.unmanagedMembers.at, view.now)}`}
          bad={h.unmanagedMembers.count > 0}
          footer={
            <AckFooter
              alert="drift"
              count={h.unmanagedMembers.count}
              ack={h.acks.drift}
              now={view.now}
              what={['member without a grant', 'members without a grant']}
              busy={busy === 'drift'}
              problem={problems.drift}
              onAcknowledge={onAcknowledge}
            />
          }
        />
      )}
      {h.undeliveredNotices && (
        <Stat
          testId="undelivered-notices"
          label="Comments Jira would not take"
          value={`${h.undeliveredNotices.recent.length}${h.undeliveredNotices.more ? '+' : ''}`}
          hint={`Nobody was told on ${h.undeliveredNotices.recent.map((n) => n.issueKey).join(', ')}: ${h.undeliveredNotices.recent[0].reason} Tell the requesters directly; the audit trail has what happened.`}
          bad
        />
      )}
      {h.intakeCatchUp && (
        <Stat
          testId="catch-up"
          label="Missed requests recorded"
          value={h.intakeCatchUp.recorded}
          hint={catchUpHint(h.intakeCatchUp, view.now)}
          bad={h.intakeCatchUp.failed > 0 || !!h.intakeCatchUp.problem}
        />
      )}
    </section>
  );
}

const TAB_NAMES: Record<NonNullable<DashboardDeniedRequest['link']>, string> = {
  policy: 'Open Policy',
  allowlist: 'Open Allowlist',
  'okta-connection': 'Open Okta connection',
};

/** Denied requests an admin must act on, newest first, each with what to do and where. */
function DeniedRequests({
  view,
  issueLink,
  onOpenTab,
}: {
  view: DashboardView;
  issueLink: (key: string) => ReactNode;
  onOpenTab?: (tab: NonNullable<DashboardDeniedRequest['link']>) => void;
}) {
  const d = view.denied;
  const rows = d.requests.map((r) => ({
    key: r.id,
    testId: `denied-${r.id}`,
    cells: [
      { key: 'who', content: r.requesterName },
      { key: 'group', content: r.groupName },
      {
        key: 'when',
        content: (
          <span title={r.deniedAt} style={{ whiteSpace: 'nowrap' }}>
            {relative(r.deniedAt, view.now)}
          </span>
        ),
      },
      {
        key: 'action',
        content: (
          <small className="long-text" data-testid={`denied-action-${r.id}`}>
            {r.action}
          </small>
        ),
      },
      { key: 'issue', content: <span style={{ whiteSpace: 'nowrap' }}>{issueLink(r.issueKey)}</span> },
      {
        key: 'go',
        content:
          r.link && onOpenTab ? (
            <Button testId={`denied-open-${r.id}`} spacing="compact" onClick={() => onOpenTab(r.link!)}>
              {TAB_NAMES[r.link]}
            </Button>
          ) : (
            ''
          ),
      },
    ],
  }));
  return (
    <>
      <h3 style={sectionStyle}>Denied requests that need you</h3>
      <p style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>
        Denied for a reason only an admin can fix (no Okta user found for the requester, a group that is not allowlisted
        or that Okta will not let the app manage). A request leaves this list once you fix its cause or the person asks
        again.
      </p>
      <div data-testid="denied-table" className="table-scroll">
        <DynamicTable
          testId="denied-dt"
          caption={`Last ${d.days} days, newest first${d.more ? `: the ${d.limit} newest are shown` : ''}`}
          head={{
            cells: ['Requester', 'Group', 'Denied', 'What to do', 'Issue', ''].map((c, i) => ({
              key: `d${i}`,
              content: c,
            })),
          }}
          rows={rows}
          rowsPerPage={10}
          emptyView={<Empty>No denied request needs an admin.</Empty>}
        />
      </div>
    </>
  );
}

/** Break-glass reviews not yet resolved (ADR 0027): in Jira, and those Jira has not taken yet. */
function OpenReviews({ view, issueLink }: { view: DashboardView; issueLink: (key: string) => ReactNode }) {
  const r = view.reviews;
  if (!r) return null;
  const rows = [...r.opening, ...r.open].map((x) => ({
    key: x.grantId,
    testId: `review-${x.grantId}`,
    cells: [
      { key: 'who', content: x.subjectName },
      { key: 'group', content: x.groupName },
      {
        key: 'due',
        content: (
          <span title={x.endsAt} style={{ whiteSpace: 'nowrap' }}>
            {formatTime(x.endsAt)}
          </span>
        ),
      },
      {
        key: 'review',
        content: x.reviewIssueKey ? (
          <span style={{ whiteSpace: 'nowrap' }}>{issueLink(x.reviewIssueKey)}</span>
        ) : (
          <small className="long-text">Not in Jira yet: {x.problem ?? 'being opened'}</small>
        ),
      },
      { key: 'request', content: <span style={{ whiteSpace: 'nowrap' }}>{issueLink(x.requestIssueKey)}</span> },
      {
        key: 'refused',
        content: x.refusals > 0 ? `closed by the person who had access ${x.refusals}×, re-opened` : '',
      },
    ],
  }));
  return (
    <>
      <h3 style={sectionStyle}>Break-glass reviews still open</h3>
      <div data-testid="reviews-table" className="table-scroll">
        <DynamicTable
          testId="reviews-dt"
          caption={`Soonest due first${r.more ? `: the first ${r.limit} of each state are shown` : ''}`}
          head={{
            cells: ['Who had access', 'Group', 'Due', 'Review', 'Request', ''].map((c, i) => ({
              key: `r${i}`,
              content: c,
            })),
          }}
          rows={rows}
          rowsPerPage={10}
          emptyView={<Empty>No break-glass review is open.</Empty>}
        />
      </div>
    </>
  );
}

/** What the last hourly catch-up did, in words: what it found, what went wrong, what it left. */
function catchUpHint(c: DashboardCatchUp, now: string): string {
  const parts = [
    `Requests whose Jira event never reached the app. Hourly check ${relative(c.at, now)}: ${c.examined} examined, ${c.found} missed, ${c.recorded} recorded.`,
    c.problem,
    c.more ? 'More were left for the next hourly run.' : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}

/** How long a request has waited, in words ("3 d 4 h", "25 min"). */
function age(fromIso: string, nowIso: string): string {
  const min = Math.max(0, Math.floor((Date.parse(nowIso) - Date.parse(fromIso)) / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${min % 60} min` : `${min} min`;
}

/**
 * Requests waiting for approval, oldest first: who asked, for what, how long ago, what it waits for and
 * who may approve. An admin may cancel one with a reason (shown on the issue and kept in the trail).
 */
function PendingRequests({
  view,
  issueLink,
  onCancelled,
}: {
  view: DashboardView;
  issueLink: (key: string) => ReactNode;
  onCancelled: (r: DashboardPendingRequest) => Promise<void>;
}) {
  const [cancelling, setCancelling] = useState<DashboardPendingRequest | undefined>();

  /** A refused reason stays in the dialog; anything else closes it and the screen reads the outcome back. */
  async function cancel(r: DashboardPendingRequest, reason: string): Promise<string | undefined> {
    try {
      await call(ADMIN_KEYS.requestCancel, { grantId: r.id, reason });
    } catch (e) {
      // The reason refused, or the request could not be cancelled: either way, said in the dialog.
      const err = errorOf(e);
      return err.fields.reason ?? err.message;
    }
    setCancelling(undefined);
    await onCancelled(r);
    return undefined;
  }

  const rows = view.pending.requests.map((r) => ({
    key: r.id,
    testId: `pending-${r.id}`,
    cells: [
      { key: 'who', content: r.requesterName },
      {
        key: 'group',
        content: (
          <span>
            {r.groupName}
            {r.emergency && (
              <>
                {' '}
                <Lozenge appearance="new">emergency</Lozenge>
              </>
            )}
          </span>
        ),
      },
      {
        key: 'age',
        content: (
          <span title={r.requestedAt} style={{ whiteSpace: 'nowrap' }}>
            {age(r.requestedAt, view.now)}
          </span>
        ),
      },
      {
        key: 'approvals',
        content: (
          <span>
            {r.approvals.needed > 0 ? `${r.approvals.given} of ${r.approvals.needed}` : '—'}
            <br />
            <small>{r.waitingFor}</small>
          </span>
        ),
      },
      {
        key: 'approvers',
        content: (
          <small>
            {r.approvers}
            {r.closesAt ? (
              <>
                <br />
                {`Closes ${relative(r.closesAt, view.now)} if not approved`}
              </>
            ) : null}
          </small>
        ),
      },
      { key: 'issue', content: <span style={{ whiteSpace: 'nowrap' }}>{issueLink(r.issueKey)}</span> },
      {
        key: 'action',
        content: (
          <Button testId={`cancel-${r.id}`} onClick={() => setCancelling(r)}>
            Cancel…
          </Button>
        ),
      },
    ],
  }));

  return (
    <>
      <h3 style={sectionStyle}>Requests waiting for approval</h3>
      <div data-testid="pending-table" className="table-scroll">
        <DynamicTable
          testId="pending-dt"
          caption={`Oldest first${view.pending.more ? `: the ${view.pending.limit} oldest are shown` : ''}`}
          head={{
            cells: ['Requester', 'Group', 'Waiting', 'Approvals', 'Who may approve', 'Issue', ''].map((c, i) => ({
              key: `p${i}`,
              content: c,
            })),
          }}
          rows={rows}
          rowsPerPage={25}
          emptyView={<Empty>No request is waiting for approval.</Empty>}
        />
      </div>
      <ReasonDialog
        open={!!cancelling}
        testId="confirm-cancel"
        title="Cancel this request?"
        confirmLabel="Cancel request"
        reasonLabel="Reason (shown on the issue and kept in the audit trail)"
        maxLength={MAX_ADMIN_REASON_LENGTH}
        onConfirm={(reason) => cancel(cancelling!, reason)}
        onClose={() => setCancelling(undefined)}
      >
        {cancelling && (
          <p>
            The request of {cancelling.requesterName} for {cancelling.groupName} ({cancelling.issueKey}) ends now; a
            later approval grants nothing. The requester is told on the issue.
          </p>
        )}
      </ReasonDialog>
    </>
  );
}

export function DashboardScreen({
  siteUrl,
  onOpenConnection,
  onOpenDiagnostics,
  onOpenTab,
}: {
  siteUrl?: string;
  onOpenConnection?: () => void;
  onOpenDiagnostics?: () => void;
  onOpenTab?: (tab: NonNullable<DashboardDeniedRequest['link']>) => void;
}) {
  const dash = useLoad(() => call(ADMIN_KEYS.dashboardGet));
  const [confirm, setConfirm] = useState<DashboardGrant | undefined>();
  const [notice, setNotice] = useState<RevokeNotice | undefined>();
  const [acking, setAcking] = useState<Alert | undefined>();
  const [ackProblems, setAckProblems] = useState<Partial<Record<Alert, string>>>({});

  /** The card's figures come from the dashboard read back after the acknowledgement, never assumed. */
  async function acknowledge(alert: Alert) {
    setAcking(alert);
    setAckProblems((p) => ({ ...p, [alert]: undefined }));
    try {
      await call(ADMIN_KEYS.alertAcknowledge, { alert });
      await dash.reload();
    } catch (e) {
      setAckProblems((p) => ({ ...p, [alert]: errorOf(e).message }));
    } finally {
      setAcking(undefined);
    }
  }

  /** A refused reason stays in the dialog; any other outcome closes it and shows what happened. */
  async function revoke(g: DashboardGrant, reason: string): Promise<string | undefined> {
    setNotice(undefined);
    try {
      const answer = await call(ADMIN_KEYS.grantRevoke, { grantId: g.id, reason });
      setNotice(revokeNotice(g, revokeOutcome(answer, await dash.reload(), g.id)));
    } catch (e) {
      const err = errorOf(e);
      if (err.code === ADMIN_ERRORS.invalid) return err.fields.reason ?? err.message;
      setNotice({ kind: 'error', title: 'Not revoked', message: err.message });
    }
    return undefined;
  }

  if (dash.loading && !dash.data) return <Loading label="Loading the dashboard…" />;
  if (dash.error && !dash.data)
    return (
      <LoadProblem
        title="Could not load the dashboard"
        message={dash.error.message}
        onRetry={() => void dash.reload()}
        busy={dash.loading}
      />
    );
  const view = dash.data!;
  const issueLink = (key: string) =>
    siteUrl ? (
      <a href={`${siteUrl}/browse/${key}`} target="_blank" rel="noreferrer">
        {key}
      </a>
    ) : (
      key
    );

  const rows = view.grants.map((g) => ({
    key: g.id,
    testId: `grant-${g.id}`,
    cells: [
      {
        key: 'status',
        content: (
          <span>
            <Lozenge appearance={LOZENGE[g.status]}>{GRANT_STATUS_LABELS[g.status]}</Lozenge>
            {g.overdue && (
              <>
                {' '}
                <Lozenge appearance="removed" isBold>
                  overdue
                </Lozenge>
              </>
            )}
            {g.emergency && (
              <>
                {' '}
                <Lozenge appearance="new">emergency</Lozenge>
              </>
            )}
          </span>
        ),
      },
      { key: 'who', content: g.requesterName },
      { key: 'group', content: g.groupName },
      {
        key: 'ends',
        content: g.endsAt ? (
          <span title={g.endsAt} style={{ whiteSpace: 'nowrap' }}>
            {formatTime(g.endsAt)}
            <br />
            <small>{relative(g.endsAt, view.now)}</small>
          </span>
        ) : (
          '—'
        ),
      },
      { key: 'issue', content: <span style={{ whiteSpace: 'nowrap' }}>{issueLink(g.issueKey)}</span> },
      {
        key: 'problem',
        content: g.problem ? (
          <>
            <small className="long-text">
              {withoutCode(g.problem)}
              {g.attempts > 0 ? ` (attempt ${g.attempts})` : ''}
            </small>
            {g.problemOpens === 'okta-connection' && onOpenConnection && (
              <div>
                <a
                  href="#okta-connection"
                  data-testid={`problem-open-connection-${g.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    onOpenConnection();
                  }}
                >
                  <small>Open the Okta connection tab</small>
                </a>
              </div>
            )}
            {g.problemDetails && (
              <Expandable compact summary="Details" testId={`problem-details-${g.id}`}>
                <small className="long-text">{g.problemDetails}</small>
              </Expandable>
            )}
          </>
        ) : (
          ''
        ),
      },
      {
        key: 'action',
        content: !g.revocable ? (
          ''
        ) : (
          <Button
            testId={`revoke-${g.id}`}
            onClick={() => {
              setNotice(undefined);
              setConfirm(g);
            }}
          >
            {g.status === 'FAILED' ? 'Retry removal' : 'Revoke'}
          </Button>
        ),
      },
    ],
  }));

  return (
    <div data-testid="dashboard-screen">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h3 style={{ margin: 0 }}>Health</h3>
        <Button testId="refresh-dashboard" isLoading={dash.loading} onClick={() => void dash.reload()}>
          Refresh
        </Button>
      </div>
      {dash.error && (
        <LoadProblem
          title="Could not refresh: the figures below are from the last load"
          message={dash.error.message}
          onRetry={() => void dash.reload()}
          busy={dash.loading}
        />
      )}
      <ConnectionStatusLine status={view.health.connection} onOpen={onOpenConnection} />
      <SelfCheckStatus selfCheck={view.health.selfCheck} onOpen={onOpenDiagnostics} />
      <div style={{ marginTop: token('space.150', '12px') }}>
        <Health view={view} busy={acking} problems={ackProblems} onAcknowledge={(a) => void acknowledge(a)} />
      </div>
      <p data-testid="ack-rule" style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>
        Okta errors and members without a grant can be acknowledged once resolved (Okta errors after the saved
        connection passes a check); new ones count again. Overdue revocations, a late sweep, catch-up failures, the
        connection status and the self-check cannot be acknowledged: they clear when their cause is gone.
      </p>
      {view.health.recentOktaErrors.length > 0 && (
        <Expandable
          style={{ marginTop: token('space.100', '8px') }}
          testId="recent-okta-errors"
          summary="Recent Okta errors"
        >
          <ul>
            {view.health.recentOktaErrors.map((e, i) => (
              <li key={i}>
                <small>{formatTime(e.at)}</small> {e.message}
                {e.details && (
                  <>
                    <br />
                    <small className="long-text">{e.details}</small>
                  </>
                )}
              </li>
            ))}
          </ul>
        </Expandable>
      )}
      {notice &&
        (notice.kind === 'error' ? (
          <Problem title={notice.title ?? 'Not done'} message={notice.message} testId="revoke-problem" />
        ) : (
          <Notice appearance={notice.kind} testId="revoke-notice">
            {notice.message}
          </Notice>
        ))}
      <PendingRequests
        view={view}
        issueLink={issueLink}
        onCancelled={async (r) => {
          // Read back: a request still waiting after the call is not cancelled, whatever the call said.
          const fresh = await dash.reload();
          const what = `The request of ${r.requesterName} for ${r.groupName} (${r.issueKey})`;
          setNotice(
            fresh?.pending.requests.some((p) => p.id === r.id)
              ? {
                  kind: 'error',
                  title: 'Not cancelled',
                  message: `${what} is still waiting for approval. Refresh and try again.`,
                }
              : { kind: 'success', message: `${what} is cancelled; the requester is told on the issue.` },
          );
        }}
      />
      <DeniedRequests view={view} issueLink={issueLink} onOpenTab={onOpenTab} />
      <OpenReviews view={view} issueLink={issueLink} />
      <h3 style={sectionStyle}>Grants that need watching</h3>
      <GrantCounts view={view} />
      <div data-testid="grants-table" className="table-scroll">
        <DynamicTable
          testId="grants-dt"
          caption={`Active, granting, revoking and failed grants${
            view.listed.more.length
              ? `: the first ${view.listed.perStatus} ${view.listed.more
                  .map((s) => GRANT_STATUS_LABELS[s].toLowerCase())
                  .join(', ')} are shown (those ending first)`
              : ''
          }`}
          head={{
            cells: ['Status', 'Requester', 'Group', 'Ends (UTC)', 'Issue', 'Problem', ''].map((c, i) => ({
              key: `h${i}`,
              content: c,
            })),
          }}
          rows={rows}
          rowsPerPage={25}
          emptyView={<Empty>No grant is active, in progress or failed.</Empty>}
        />
      </div>
      <ReasonDialog
        open={!!confirm}
        testId="confirm-revoke"
        title={confirm?.status === 'FAILED' ? 'Retry the removal?' : 'Revoke this access?'}
        confirmLabel={confirm?.status === 'FAILED' ? 'Remove now' : 'Revoke now'}
        maxLength={MAX_ADMIN_REASON_LENGTH}
        onConfirm={(reason) => revoke(confirm!, reason)}
        onClose={() => setConfirm(undefined)}
      >
        {confirm && (
          <p>
            {confirm.requesterName} is removed from the Okta group {confirm.groupName} now ({confirm.issueKey}).
            Membership the person had before this grant is kept.
          </p>
        )}
      </ReasonDialog>
      <h3 style={sectionStyle}>Requests per day, last {view.chart.days.length} days</h3>
      <p data-testid="chart-as-of" style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>
        {view.chart.asOf
          ? `Counts as of ${formatTime(view.chart.asOf)} (the hourly count), plus requests since.`
          : 'Counted now; an hourly count takes over once it has run.'}
        {view.chart.complete
          ? ''
          : ' Partial: more requests came in since than one load reads; the next hourly count completes them.'}
      </p>
      <BarChart chart={view.chart} />
    </div>
  );
}
