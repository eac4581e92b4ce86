/**
 * First run: what stands between a fresh install and a first grant, each step read from the app's real
 * state (the saved connection's last check, the allowlist, the approval status against Jira's statuses,
 * the self-check's field discovery) and linked to the tab where it is done. Shown on the dashboard while
 * a step is open; gone once all are done.
 */
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import {
  ADMIN_KEYS,
  type AllowlistEntryView,
  type ConnectionView,
  type DiagnosticsView,
  type JiraStatusList,
  type PolicyView,
} from '../../../../src/shared/admin-contract';
import { call } from '../api';
import { useLoad } from './ui';

type Tab = 'connection' | 'allowlist' | 'policy' | 'diagnostics';
type State = 'done' | 'todo' | 'problem';

export interface SetupStep {
  id: string;
  title: string;
  state: State;
  /** What is true now, or what to do. */
  detail: string;
  tab: Tab;
  action: string;
}

interface SetupFacts {
  connection: ConnectionView;
  allowlist: AllowlistEntryView[];
  policy: PolicyView;
  /** undefined: Jira's statuses could not be read (no project in use yet, or Jira refused). */
  statuses?: JiraStatusList;
  diagnostics: DiagnosticsView;
}

/** The steps, in the order an admin does them. Pure: the facts in, the checklist out. */
export function setupSteps(f: SetupFacts): SetupStep[] {
  const c = f.connection.status;
  const okta: SetupStep = {
    id: 'okta',
    title: 'Connect Okta',
    tab: 'connection',
    action: 'Open Okta connection',
    ...(!f.connection.configured
      ? { state: 'todo', detail: 'Enter your Okta domain and credentials, then save.' }
      : c?.state === 'ok'
        ? { state: 'done', detail: `Connected to ${c.orgName ?? f.connection.domain}.` }
        : c?.state === 'problem'
          ? { state: 'problem', detail: c.problem ?? 'Okta rejects the saved connection.' }
          : { state: 'todo', detail: 'Saved but not checked yet: use Test connection.' }),
  };
  const n = f.allowlist.length;
  const allowlist: SetupStep = {
    id: 'allowlist',
    title: 'Allowlist at least one Okta group',
    tab: 'allowlist',
    action: 'Open Allowlist',
    ...(n > 0
      ? { state: 'done', detail: `${n} group${n === 1 ? '' : 's'} can be requested.` }
      : { state: 'todo', detail: 'No group can be requested yet: search for one and set its limits.' }),
  };
  const needsStatus = f.allowlist.filter((e) => e.approvalMode === 'status').length;
  const status = f.policy.approvalStatusName;
  const approval: SetupStep = {
    id: 'approval',
    title: 'Choose the approval status',
    tab: 'policy',
    action: 'Open Policy',
    ...(needsStatus === 0
      ? {
          state: n > 0 ? 'done' : 'todo',
          detail:
            n > 0
              ? 'No allowlisted group needs approval, so no status is used yet.'
              : 'Needed once a group requires approval.',
        }
      : !f.statuses
        ? { state: 'todo', detail: `"${status}" is set, but Jira's statuses could not be read to check it.` }
        : f.statuses.names.includes(status)
          ? { state: 'done', detail: `Requests are approved by moving the issue to "${status}".` }
          : {
              state: 'problem',
              detail: `${needsStatus} group${needsStatus === 1 ? ' needs' : 's need'} approval, but no workflow of the projects in use has a status "${status}": pick one.`,
            }),
  };
  const run = f.diagnostics.lastRun;
  const check = run?.checks.find((x) => x.id === 'jira.fields');
  const fields: SetupStep = {
    id: 'fields',
    title: 'Add the Access type and Admin group fields to a screen',
    tab: 'diagnostics',
    action: 'Open Diagnostics',
    ...(!check || check.status === 'pending' || check.status === 'skipped'
      ? { state: 'todo', detail: 'Not checked yet: run the self-check once the fields are on your request screens.' }
      : check.status === 'pass'
        ? { state: 'done', detail: 'Jira lists both fields (found by the self-check).' }
        : { state: 'problem', detail: check.saw }),
  };
  return [okta, allowlist, approval, fields];
}

const LOZENGE: Record<State, { appearance: 'success' | 'default' | 'removed'; text: string }> = {
  done: { appearance: 'success', text: 'done' },
  todo: { appearance: 'default', text: 'to do' },
  problem: { appearance: 'removed', text: 'needs you' },
};

async function loadFacts(): Promise<SetupFacts> {
  const [connection, allowlist, policy, diagnostics, statuses] = await Promise.all([
    call(ADMIN_KEYS.connectionGet),
    call(ADMIN_KEYS.allowlistList),
    call(ADMIN_KEYS.policyGet),
    call(ADMIN_KEYS.diagnosticsGet),
    // Reading Jira's statuses may fail on a fresh site; the step then says it could not check.
    call(ADMIN_KEYS.jiraStatuses).catch(() => undefined),
  ]);
  return { connection, allowlist, policy, diagnostics, statuses };
}

export function SetupChecklist({ onOpenTab }: { onOpenTab: (tab: Tab) => void }) {
  const facts = useLoad(loadFacts);
  // The checklist helps; it must never stand in the way of the dashboard: a failed load shows nothing.
  if (!facts.data) return null;
  const steps = setupSteps(facts.data);
  const open = steps.filter((s) => s.state !== 'done').length;
  if (open === 0) return null;
  return (
    <section
      data-testid="setup-checklist"
      aria-labelledby="setup-title"
      style={{
        border: `1px solid ${token('color.border', '#DFE1E6')}`,
        borderRadius: 4,
        padding: token('space.200', '16px'),
        marginBottom: token('space.200', '16px'),
      }}
    >
      <h3 id="setup-title" style={{ marginTop: 0 }}>
        Set up Okta JIT Access: {steps.length - open} of {steps.length} done
      </h3>
      <ol style={{ margin: 0, paddingLeft: token('space.300', '24px') }}>
        {steps.map((s) => (
          <li
            key={s.id}
            data-testid={`setup-${s.id}`}
            data-state={s.state}
            style={{ marginBottom: token('space.100', '8px') }}
          >
            <span style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'center', flexWrap: 'wrap' }}>
              <strong>{s.title}</strong>
              <Lozenge appearance={LOZENGE[s.state].appearance}>{LOZENGE[s.state].text}</Lozenge>
              {s.state !== 'done' && (
                <Button spacing="compact" testId={`setup-${s.id}-open`} onClick={() => onOpenTab(s.tab)}>
                  {s.action}
                </Button>
              )}
            </span>
            <small style={{ color: token('color.text.subtle', '#505F79') }}>{s.detail}</small>
          </li>
        ))}
      </ol>
    </section>
  );
}
