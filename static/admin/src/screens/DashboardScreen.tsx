import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { useState, type ReactNode } from 'react';
import {
  ADMIN_KEYS,
  CancelRequestInput,
  fieldErrors,
  MAX_CANCEL_REASON_LENGTH,
  type DashboardCatchUp,
  type DashboardGrant,
  type DashboardPendingRequest,
  type DashboardView,
  type RevokeResult,
} from '../../../../src/shared/admin-contract';
import { GRANT_STATUS_LABELS, withoutCode, type GrantStatus } from '../../../../src/shared/vocabulary';
import { call, errorOf } from '../api';
import { BarChart } from '../components/BarChart';
import { ConnectionStatusLine } from '../components/ConnectionStatus';
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
  TextField,
  useLoad,
} from '../components/ui';

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

function Stat({
  label,
  value,
  hint,
  bad,
  testId,
}: {
  label: string;
  value: string | number;
  hint?: string;
  bad?: boolean;
  testId: string;
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
      {hint && <div style={{ fontSize: 12, color: token('color.text.subtlest', '#6B778C') }}>{hint}</div>}
    </div>
  );
}

function Health({ view }: { view: DashboardView }) {
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
        value={h.overdueRevocations}
        hint="Ended more than 5 min ago but still in Okta."
        bad={h.overdueRevocations > 0}
      />
      <Stat
        testId="okta-errors"
        label="Okta errors (24 h)"
        value={h.oktaErrors24h}
        hint={h.recentOktaErrors[0] ? `Latest: ${h.recentOktaErrors[0].message}` : undefined}
        bad={h.oktaErrors24h > 0}
      />
      {h.unmanagedMembers && (
        <Stat
          testId="drift"
          label="Members without a grant"
          value={h.unmanagedMembers.count}
          hint={`Found by the reconcile ${relative(h.unmanagedMembers.at, view.now)}`}
          bad={h.unmanagedMembers.count > 0}
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
  const [cancelling, setCancelling] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const open = (id: string) => {
    setCancelling(id);
    setReason('');
    setError(undefined);
  };

  async function cancel(r: DashboardPendingRequest) {
    const payload = { grantId: r.id, reason };
    const parsed = CancelRequestInput.safeParse(payload);
    if (!parsed.success) {
      setError(fieldErrors(parsed.error).reason ?? 'Give a reason.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await call(ADMIN_KEYS.requestCancel, payload);
      setCancelling(undefined);
      await onCancelled(r);
    } catch (e) {
      setError(errorOf(e).message);
    } finally {
      setBusy(false);
    }
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
      { key: 'age', content: <span title={r.requestedAt}>{age(r.requestedAt, view.now)}</span> },
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
      { key: 'issue', content: issueLink(r.issueKey) },
      {
        key: 'action',
        content:
          cancelling === r.id ? (
            <div data-testid="confirm-cancel" style={{ minWidth: 240 }}>
              <TextField
                id={`cancel-reason-${r.id}`}
                label="Reason (shown on the issue)"
                value={reason}
                onChange={(v) => {
                  setReason(v);
                  setError(undefined);
                }}
                error={error}
                required
                helper={`At most ${MAX_CANCEL_REASON_LENGTH} characters.`}
              />
              <span style={{ display: 'flex', gap: 4 }}>
                <Button
                  appearance="danger"
                  testId={`confirm-cancel-${r.id}`}
                  isLoading={busy}
                  onClick={() => void cancel(r)}
                >
                  Cancel request
                </Button>
                <Button appearance="subtle" isDisabled={busy} onClick={() => setCancelling(undefined)}>
                  Keep it
                </Button>
              </span>
            </div>
          ) : (
            <Button testId={`cancel-${r.id}`} onClick={() => open(r.id)}>
              Cancel…
            </Button>
          ),
      },
    ],
  }));

  return (
    <>
      <h3 style={sectionStyle}>Requests waiting for approval</h3>
      <div data-testid="pending-table">
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
    </>
  );
}

export function DashboardScreen({
  siteUrl,
  onOpenConnection,
  onOpenDiagnostics,
}: {
  siteUrl?: string;
  onOpenConnection?: () => void;
  onOpenDiagnostics?: () => void;
}) {
  const dash = useLoad(() => call(ADMIN_KEYS.dashboardGet));
  const [confirm, setConfirm] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [notice, setNotice] = useState<RevokeNotice | undefined>();

  async function revoke(g: DashboardGrant) {
    setBusy(g.id);
    setNotice(undefined);
    try {
      const answer = await call(ADMIN_KEYS.grantRevoke, { grantId: g.id });
      setNotice(revokeNotice(g, revokeOutcome(answer, await dash.reload(), g.id)));
    } catch (e) {
      setNotice({ kind: 'error', title: 'Not revoked', message: errorOf(e).message });
    } finally {
      setBusy(undefined);
      setConfirm(undefined);
    }
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
          <span title={g.endsAt}>
            {formatTime(g.endsAt)}
            <br />
            <small>{relative(g.endsAt, view.now)}</small>
          </span>
        ) : (
          '—'
        ),
      },
      { key: 'issue', content: issueLink(g.issueKey) },
      {
        key: 'problem',
        content: g.problem ? (
          <small>
            {withoutCode(g.problem)}
            {g.attempts > 0 ? ` (attempt ${g.attempts})` : ''}
          </small>
        ) : (
          ''
        ),
      },
      {
        key: 'action',
        content: !g.revocable ? (
          ''
        ) : confirm === g.id ? (
          <span
            data-testid="confirm-revoke"
            style={{ display: 'flex', gap: 4, flexWrap: 'wrap', alignItems: 'center' }}
          >
            <span>
              Remove {g.requesterName} from {g.groupName} now?
            </span>
            <Button
              appearance="danger"
              testId={`confirm-revoke-${g.id}`}
              isLoading={busy === g.id}
              onClick={() => void revoke(g)}
            >
              {g.status === 'FAILED' ? 'Remove now' : 'Revoke now'}
            </Button>
            <Button appearance="subtle" isDisabled={busy === g.id} onClick={() => setConfirm(undefined)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button
            testId={`revoke-${g.id}`}
            onClick={() => {
              setNotice(undefined);
              setConfirm(g.id);
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
        <Health view={view} />
      </div>
      {view.health.recentOktaErrors.length > 0 && (
        <details style={{ marginTop: token('space.100', '8px') }}>
          <summary>Recent Okta errors</summary>
          <ul>
            {view.health.recentOktaErrors.map((e, i) => (
              <li key={i}>
                <small>{formatTime(e.at)}</small> {e.message}
              </li>
            ))}
          </ul>
        </details>
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
      <h3 style={sectionStyle}>Grants that need watching</h3>
      <div data-testid="grants-table">
        <DynamicTable
          testId="grants-dt"
          caption="Active, granting, revoking and failed grants"
          head={{
            cells: ['Status', 'Requester', 'Group', 'Ends', 'Issue', 'Problem', ''].map((c, i) => ({
              key: `h${i}`,
              content: c,
            })),
          }}
          rows={rows}
          rowsPerPage={25}
          emptyView={<Empty>No grant is active, in progress or failed.</Empty>}
        />
      </div>
      <h3 style={sectionStyle}>Requests per day, last {view.chart.days.length} days</h3>
      <BarChart chart={view.chart} />
    </div>
  );
}
