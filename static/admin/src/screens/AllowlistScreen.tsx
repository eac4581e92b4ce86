import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { Fieldset, HelperMessage } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import { RadioGroup } from '@atlaskit/radio';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  fieldErrors,
  GroupPolicyInput,
  LIMITS,
  MAX_ADMIN_REASON_LENGTH,
  OKTA_ROLE_PERMISSIONS,
  type AllowlistEntryView,
  type GroupSearchHit,
} from '../../../../src/shared/admin-contract';
import { type ApprovalMode } from '../../../../src/shared/vocabulary';
import { call, errorOf } from '../api';
import {
  ApproversSection,
  approverRefusalErrors,
  placeStepErrors,
  stepDraftsOf,
  stepsPayloadOf,
  withPeopleNames,
  type StepDraft,
} from '../components/ApproversEditor';
import { ProjectPicker } from '../components/JiraPickers';
import { ReasonDialog } from '../components/ReasonDialog';
import { ShortId } from '../components/ShortId';
import {
  Empty,
  FieldError,
  Loading,
  LoadProblem,
  Notice,
  Problem,
  TextField,
  toNumber,
  useLoad,
} from '../components/ui';
import { Expandable } from '../components/Expandable';
import { sameValue, useUnsavedEdits } from '../unsaved';

type PolicyDraft = {
  groupId: string;
  groupName: string;
  maxDurationHours: string;
  maxLifetimeHours: string;
  maxExtensions: string;
  reminderLeadMinutes: string;
  approvalMode: ApprovalMode;
  /** Picked from Jira's projects (typed only while Jira does not answer). */
  allowedProjectKeys: string[];
  approvalWindowDays: string;
  /** Approver steps (approval required only); none: the default, the weakest. */
  steps: StepDraft[];
};

/** The approval mode in words, in the form and the list. */
const MODE_WORDS: Record<ApprovalMode, string> = {
  none: 'No approval',
  status: 'Approval required',
};

const NEW_DEFAULTS = {
  maxDurationHours: '12',
  maxLifetimeHours: '24',
  maxExtensions: '2',
  reminderLeadMinutes: '60',
  approvalMode: 'none' as const,
  allowedProjectKeys: [] as string[],
  approvalWindowDays: '7',
  steps: [] as StepDraft[],
};

/** Refusals of the save itself (not of the group): the form says "Not saved" whatever its mode. */
const SAVE_REFUSALS = new Set<string>([
  ADMIN_ERRORS.unknownApprover,
  ADMIN_ERRORS.jiraUnavailable,
  ADMIN_ERRORS.invalid,
]);

const draftOf = (e: AllowlistEntryView): PolicyDraft => ({
  groupId: e.groupId,
  groupName: e.displayName,
  maxDurationHours: String(e.maxDurationHours),
  maxLifetimeHours: String(e.maxLifetimeHours),
  maxExtensions: String(e.maxExtensions),
  reminderLeadMinutes: String(e.reminderLeadMinutes),
  approvalMode: e.approvalMode,
  allowedProjectKeys: [...e.allowedProjectKeys],
  approvalWindowDays: String(e.approvalWindowDays ?? 7),
  steps: stepDraftsOf(e.approvalSteps, e.approverNames ?? {}),
});

const payloadOf = (d: PolicyDraft) => ({
  groupId: d.groupId,
  maxDurationHours: toNumber(d.maxDurationHours) as number,
  maxLifetimeHours: toNumber(d.maxLifetimeHours) as number,
  maxExtensions: toNumber(d.maxExtensions) as number,
  reminderLeadMinutes: toNumber(d.reminderLeadMinutes) as number,
  approvalMode: d.approvalMode,
  allowedProjectKeys: [...d.allowedProjectKeys],
  approvalWindowDays: toNumber(d.approvalWindowDays) as number,
  // Empty resets the group to the default approvers; without approval no step applies.
  approvalSteps: d.approvalMode === 'status' ? stepsPayloadOf(d.steps) : [],
});

function PolicyForm({
  draft,
  mode,
  onDone,
  onCancel,
}: {
  draft: PolicyDraft;
  mode: 'add' | 'edit';
  onDone: (list: AllowlistEntryView[]) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState(draft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<{ code: string; message: string; details?: string } | undefined>();
  const [busy, setBusy] = useState(false);
  // Unsaved: a group chosen but not added yet (the choice is the edit), or a policy changed from the
  // one the list showed. Saving or Cancel closes the form, which withdraws the report.
  useUnsavedEdits(mode === 'add' || !sameValue(payloadOf(d), payloadOf(draft)));
  const set = (patch: Partial<PolicyDraft>) => {
    setD({ ...d, ...patch });
    setRefusal(undefined);
  };

  async function submit() {
    setRefusal(undefined);
    const payload = payloadOf(d);
    const parsed = GroupPolicyInput.safeParse(payload);
    if (!parsed.success) {
      const errs = fieldErrors(parsed.error);
      // "allowedProjectKeys.2" → the projects field.
      for (const k of Object.keys(errs)) if (k.startsWith('allowedProjectKeys.')) errs.allowedProjectKeys ??= errs[k];
      setErrors(placeStepErrors(errs));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      onDone(await call(mode === 'add' ? ADMIN_KEYS.allowlistAdd : ADMIN_KEYS.allowlistUpdate, payload));
    } catch (e) {
      const refusal = errorOf(e);
      setRefusal({ ...refusal, message: withPeopleNames(refusal.message, d.steps) });
      // A refusal naming an approver (or a field, or a project Jira does not have) goes on that field too.
      setErrors({ ...approverRefusalErrors(refusal, d.steps), ...refusal.fields });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      data-testid="policy-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      style={{
        border: `1px solid ${token('color.border', '#DFE1E6')}`,
        borderRadius: 4,
        padding: token('space.200', '16px'),
        margin: `${token('space.200', '16px')} 0`,
      }}
    >
      <h3 style={{ marginTop: 0 }}>
        {mode === 'add' ? 'Allowlist' : 'Edit'} <span data-testid="form-group-name">{d.groupName}</span>
      </h3>
      {refusal && (
        <Notice
          appearance="error"
          testId="allowlist-refusal"
          title={mode === 'add' && !SAVE_REFUSALS.has(refusal.code) ? 'This group cannot be allowlisted' : 'Not saved'}
        >
          <p>{refusal.message}</p>
          {refusal.details && (
            <Expandable compact testId="allowlist-refusal-details" summary="Details">
              <p>{refusal.details}</p>
            </Expandable>
          )}
        </Notice>
      )}
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
          columnGap: token('space.200', '16px'),
        }}
      >
        <TextField
          id="maxDurationHours"
          label="Max duration (hours)"
          type="number"
          value={d.maxDurationHours}
          onChange={(v) => set({ maxDurationHours: v })}
          error={errors.maxDurationHours}
          helper="Longest single grant."
          limit={{ min: 1, max: LIMITS.maxDurationHours, unit: 'h' }}
        />
        <TextField
          id="maxLifetimeHours"
          label="Max lifetime with extensions (hours)"
          type="number"
          value={d.maxLifetimeHours}
          onChange={(v) => set({ maxLifetimeHours: v })}
          error={errors.maxLifetimeHours}
          helper="Counted from the first start; at least the max duration."
          limit={{ min: 1, max: LIMITS.maxLifetimeHours, unit: 'h' }}
        />
        <TextField
          id="maxExtensions"
          label="Max extensions"
          type="number"
          value={d.maxExtensions}
          onChange={(v) => set({ maxExtensions: v })}
          error={errors.maxExtensions}
          helper="How often a grant may be extended."
          limit={{ min: 0, max: LIMITS.maxExtensions }}
        />
        <TextField
          id="reminderLeadMinutes"
          label="Reminder lead (minutes)"
          type="number"
          value={d.reminderLeadMinutes}
          onChange={(v) => set({ reminderLeadMinutes: v })}
          error={errors.reminderLeadMinutes}
          helper="How long before the end the requester is reminded; shorter than the max duration."
          limit={{ min: 0, max: LIMITS.maxReminderLeadMinutes, unit: 'min' }}
        />
      </div>
      <div style={{ marginBottom: token('space.150', '12px') }}>
        <Fieldset legend={<span id="approval-mode-label">Approval</span>}>
          <RadioGroup
            name="approval-mode"
            labelId="approval-mode-label"
            value={d.approvalMode}
            onChange={(e) => set({ approvalMode: e.currentTarget.value === 'status' ? 'status' : 'none' })}
            options={[
              { value: 'none', label: MODE_WORDS.none, testId: 'approval-none' },
              { value: 'status', label: MODE_WORDS.status, testId: 'approval-status' },
            ]}
          />
        </Fieldset>
        <div data-testid="approval-mode-words">
          <HelperMessage>
            {d.approvalMode === 'none'
              ? 'No approval: access is granted as soon as the request is raised.'
              : 'Approval required: the request waits for the approvals set below, then access is granted.'}
          </HelperMessage>
        </div>
        <FieldError id="approvalMode" error={errors.approvalMode} />
        {d.approvalMode === 'none' && d.steps.length > 0 && (
          <p data-testid="steps-dropped" style={{ color: token('color.text.warning', '#974F0C') }}>
            Saving with no approval removes the {d.steps.length} approver step{d.steps.length === 1 ? '' : 's'} set for
            this group.
          </p>
        )}
      </div>
      {d.approvalMode === 'status' && (
        <TextField
          id="approvalWindowDays"
          label="Approval window (days)"
          type="number"
          value={d.approvalWindowDays}
          onChange={(v) => set({ approvalWindowDays: v })}
          error={errors.approvalWindowDays}
          helper="A request not approved within this many days is closed with a comment."
          limit={{ min: 1, max: LIMITS.maxApprovalWindowDays, unit: 'days' }}
        />
      )}
      {d.approvalMode === 'status' && (
        <ApproversSection steps={d.steps} onChange={(steps) => set({ steps })} errors={errors} />
      )}
      <ProjectPicker
        id="allowedProjectKeys"
        keys={d.allowedProjectKeys}
        onChange={(keys) => set({ allowedProjectKeys: keys })}
        error={errors.allowedProjectKeys}
        helper={`Projects whose issues may request this group, at most ${LIMITS.maxProjectKeys}. None: every project may.`}
      />
      <div style={{ display: 'flex', gap: token('space.100', '8px') }}>
        <Button type="submit" appearance="primary" testId="submit-policy" isLoading={busy}>
          {mode === 'add' ? 'Add to allowlist' : 'Save changes'}
        </Button>
        <Button appearance="subtle" testId="cancel-policy" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function GroupSearch({ onChoose }: { onChoose: (hit: GroupSearchHit) => void }) {
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [hits, setHits] = useState<GroupSearchHit[] | undefined>();
  const [busy, setBusy] = useState(false);

  async function search() {
    setError(undefined);
    if (query.trim() === '') {
      setError('Type part of a group name.');
      return;
    }
    setBusy(true);
    try {
      setHits(await call(ADMIN_KEYS.groupsSearch, { query }));
    } catch (e) {
      setHits(undefined);
      setError(errorOf(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="group-search">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
        style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'flex-start' }}
      >
        <TextField
          id="group-query"
          label="Find an Okta group"
          value={query}
          onChange={setQuery}
          error={error}
          placeholder="Start of the group name, e.g. PAM"
        />
        <div style={{ paddingTop: 22 }}>
          <Button type="submit" testId="search-groups" isLoading={busy}>
            Search
          </Button>
        </div>
      </form>
      {hits && hits.length === 0 && <Empty>No Okta group starts with “{query}”.</Empty>}
      {hits && hits.length > 0 && (
        <ul data-testid="search-results" style={{ listStyle: 'none', padding: 0, maxWidth: 640 }}>
          {hits.map((h) => (
            <li
              key={h.id}
              data-testid={`hit-${h.id}`}
              data-refused={h.refusal ? 'true' : 'false'}
              style={{
                display: 'flex',
                alignItems: 'flex-start',
                justifyContent: 'space-between',
                gap: token('space.100', '8px'),
                padding: `${token('space.075', '6px')} 0`,
                borderBottom: `1px solid ${token('color.border', '#DFE1E6')}`,
              }}
            >
              <span style={{ minWidth: 0 }}>
                <strong>{h.name}</strong>
                <br />
                <small style={{ color: token('color.text.subtlest', '#6B778C') }}>
                  {h.description ?? <ShortId id={h.id} label="Okta group id" testId={`hit-id-${h.id}`} />}
                </small>
                {h.refusal && (
                  <>
                    <br />
                    <span
                      id={`refusal-${h.id}`}
                      data-testid={`refusal-${h.id}`}
                      style={{ color: token('color.text.danger', '#AE2A19') }}
                    >
                      {h.refusal.reason}
                    </span>
                    {h.refusal.details && (
                      <Expandable compact testId={`refusal-details-${h.id}`} summary="Details">
                        <small>{h.refusal.details}</small>
                      </Expandable>
                    )}
                  </>
                )}
              </span>
              {h.allowlisted ? (
                <Lozenge appearance="success">on the allowlist</Lozenge>
              ) : (
                <Button
                  testId={`choose-${h.id}`}
                  isDisabled={!!h.refusal}
                  aria-describedby={h.refusal ? `refusal-${h.id}` : undefined}
                  onClick={() => onChoose(h)}
                >
                  Choose
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {hits && hits.some((h) => !h.checked) && (
        <p data-testid="search-unchecked" style={{ maxWidth: 640 }}>
          {hits.some((h) => h.checked && !h.allowlisted)
            ? `Only the first ${hits.filter((h) => h.checked && !h.allowlisted).length} results were checked against Okta. The others are checked when you add them; type more of the name to check them here.`
            : 'Okta did not answer the checks of these groups just now. Each group is checked when you add it.'}
        </p>
      )}
    </div>
  );
}

export function AllowlistScreen() {
  const list = useLoad(() => call(ADMIN_KEYS.allowlistList));
  const [editing, setEditing] = useState<{ mode: 'add' | 'edit'; draft: PolicyDraft } | undefined>();
  const [confirmRemove, setConfirmRemove] = useState<AllowlistEntryView | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const done = (message: string) => (next: AllowlistEntryView[]) => {
    list.setData(next);
    setEditing(undefined);
    setNotice(message);
  };

  /** A refused reason stays in the dialog; other refusals close it and show under the list. */
  async function remove(e: AllowlistEntryView, reason: string): Promise<string | undefined> {
    setProblem(undefined);
    try {
      list.setData(await call(ADMIN_KEYS.allowlistRemove, { groupId: e.groupId, reason }));
      setNotice(`${e.displayName} was removed from the allowlist.`);
    } catch (err) {
      const x = errorOf(err);
      if (x.code === ADMIN_ERRORS.invalid) return x.fields.reason ?? x.message;
      setProblem(x.message);
    }
    return undefined;
  }

  const rows = (list.data ?? []).map((e) => ({
    key: e.groupId,
    testId: `entry-${e.groupId}`,
    cells: [
      {
        key: 'name',
        content: (
          <span>
            <strong>{e.displayName}</strong>
            <br />
            <ShortId id={e.groupId} label="Okta group id" testId={`group-id-${e.groupId}`} />
          </span>
        ),
      },
      { key: 'dur', content: `${e.maxDurationHours} h` },
      { key: 'life', content: `${e.maxLifetimeHours} h` },
      { key: 'ext', content: e.maxExtensions },
      { key: 'rem', content: `${e.reminderLeadMinutes} min` },
      {
        key: 'appr',
        content: (
          <span>
            {e.approvalMode === 'status'
              ? `${MODE_WORDS.status}, within ${e.approvalWindowDays ?? 7} d`
              : MODE_WORDS.none}
            {e.approvalMode === 'status' && (
              <>
                <br />
                <small data-testid={`approvers-${e.groupId}`}>{e.approversInWords}</small>
              </>
            )}
          </span>
        ),
      },
      { key: 'proj', content: e.allowedProjectKeys.length ? e.allowedProjectKeys.join(', ') : 'any' },
      { key: 'active', content: e.activeGrants },
      {
        key: 'actions',
        content: (
          <span style={{ display: 'flex', gap: 4 }}>
            <Button
              testId={`edit-${e.groupId}`}
              onClick={() => {
                setNotice(undefined);
                setEditing({ mode: 'edit', draft: draftOf(e) });
              }}
            >
              Edit
            </Button>
            <Button appearance="subtle" testId={`remove-${e.groupId}`} onClick={() => setConfirmRemove(e)}>
              Remove
            </Button>
          </span>
        ),
      },
    ],
  }));

  return (
    <div data-testid="allowlist-screen">
      <p style={{ maxWidth: 640 }}>
        Only these Okta groups can be requested. Groups imported from an app, Okta's built-in Everyone group, groups
        filled by a group rule and groups holding an Okta admin role are refused, now and again at every grant.
      </p>
      <Expandable style={{ maxWidth: 640 }} testId="role-permissions" summary="Okta permissions the app needs">
        <p>
          For least privilege, give the app's Okta credentials a custom admin role with these permissions. Adding a
          group checks each of them on that group, and names any that is missing; nothing is saved until they all pass.
        </p>
        <ul>
          {Object.entries(OKTA_ROLE_PERMISSIONS).map(([permission, p]) => (
            <li key={permission}>
              <code>{permission}</code> on {p.resources}: to {p.why}.
            </li>
          ))}
        </ul>
      </Expandable>
      {notice && (
        <Notice appearance="success" testId="allowlist-notice">
          {notice}
        </Notice>
      )}
      {problem && <Problem title="Not changed" message={problem} />}
      {list.error && (
        <LoadProblem
          title="Could not load the allowlist"
          message={list.error.message}
          onRetry={() => void list.reload()}
          busy={list.loading}
        />
      )}
      {list.loading && !list.data ? (
        <Loading label="Loading the allowlist…" />
      ) : (
        list.data && (
          <div data-testid="allowlist-table" className="table-scroll">
            <DynamicTable
              testId="allowlist-dt"
              caption="Allowlisted groups"
              head={{
                cells: [
                  'Group',
                  'Max duration',
                  'Max lifetime',
                  'Extensions',
                  'Reminder',
                  'Approval',
                  'Projects',
                  'Running',
                  '',
                ].map((c, i) => ({ key: `h${i}`, content: c })),
              }}
              rows={rows}
              emptyView={<Empty>No group is allowlisted yet: find one below.</Empty>}
            />
          </div>
        )
      )}
      <ReasonDialog
        open={!!confirmRemove}
        testId="confirm-remove"
        title="Remove this group from the allowlist?"
        confirmLabel="Remove"
        maxLength={MAX_ADMIN_REASON_LENGTH}
        onConfirm={(reason) => remove(confirmRemove!, reason)}
        onClose={() => setConfirmRemove(undefined)}
      >
        {confirmRemove && (
          <p>
            Nobody can request {confirmRemove.displayName} any more.{' '}
            {confirmRemove.activeGrants > 0
              ? `Its ${confirmRemove.activeGrants} running grant${confirmRemove.activeGrants === 1 ? '' : 's'} end as planned.`
              : 'No grant of it is running.'}
          </p>
        )}
      </ReasonDialog>
      {!list.data ? null : editing ? (
        <PolicyForm
          key={`${editing.mode}-${editing.draft.groupId}`}
          draft={editing.draft}
          mode={editing.mode}
          onCancel={() => setEditing(undefined)}
          onDone={done(
            editing.mode === 'add'
              ? `${editing.draft.groupName} was added to the allowlist.`
              : `${editing.draft.groupName} was saved.`,
          )}
        />
      ) : (
        <GroupSearch
          onChoose={(h) => {
            setNotice(undefined);
            setEditing({ mode: 'add', draft: { groupId: h.id, groupName: h.name, ...NEW_DEFAULTS } });
          }}
        />
      )}
    </div>
  );
}
