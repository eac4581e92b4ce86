/**
 * The approver steps of one allowlisted group, in its policy form: ordered steps, each with how many
 * approvals it needs and who may give them (Jira groups, project roles, named people, picked from
 * Jira through the resolver). No step means the default, the weakest choice: one approval by anyone
 * who can transition the issue, except the requester.
 */
import Button from '@atlaskit/button/new';
import { HelperMessage, Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  LIMITS,
  type ApproverGroupHit,
  type ApproverPersonHit,
  type ApproverRoleHit,
} from '../../../../src/shared/admin-contract';
import {
  describeApprovers,
  isOpenSet,
  type ApprovalStep,
  type ApproverSet,
} from '../../../../src/domain/approval-policy';
import { call } from '../api';
import { SearchPicker } from './SearchPicker';
import { FieldError, LoadProblem, Notice, TextField, toNumber, useLoad } from './ui';

type ApproverList = 'jiraGroups' | 'projectRoles' | 'accountIds';

/** One step as the form holds it: text for the number, display names for the people. */
export interface StepDraft {
  /** Stable React key: steps move up and down. */
  key: number;
  count: string;
  jiraGroups: string[];
  projectRoles: string[];
  people: ApproverPersonHit[];
}

let nextKey = 1;
const newStep = (): StepDraft => ({ key: nextKey++, count: '1', jiraGroups: [], projectRoles: [], people: [] });

/** The stored steps as drafts; a person Jira could not name keeps their account id. */
export const stepDraftsOf = (steps: readonly ApprovalStep[] | undefined, names: Record<string, string>): StepDraft[] =>
  (steps ?? []).map((s) => ({
    key: nextKey++,
    count: String(s.count),
    jiraGroups: [...s.approvers.jiraGroups],
    projectRoles: [...s.approvers.projectRoles],
    people: s.approvers.accountIds.map((accountId) => ({ accountId, displayName: names[accountId] ?? accountId })),
  }));

/** What the contract takes ("" stays undefined so the schema says "must be a number"). */
export const stepsPayloadOf = (steps: readonly StepDraft[]) =>
  steps.map((s) => ({
    approvers: {
      jiraGroups: [...s.jiraGroups],
      projectRoles: [...s.projectRoles],
      accountIds: s.people.map((p) => p.accountId),
    },
    count: toNumber(s.count) as number,
  }));

const STEP_PATH = /^approvalSteps\.(\d+)(?:\.(count|approvers)(?:\.(jiraGroups|projectRoles|accountIds))?)?/;

/**
 * Where a message about `path` is shown: the step's count, one of its three lists (an entry's message
 * goes on its list), the step, or the whole section.
 */
export function approverFieldOf(path: string): string | undefined {
  if (path === 'approvalSteps') return path;
  const m = STEP_PATH.exec(path);
  if (!m) return undefined;
  const [, i, part, list] = m;
  if (part === 'count') return `approvalSteps.${i}.count`;
  if (part === 'approvers' && list) return `approvalSteps.${i}.approvers.${list}`;
  return `approvalSteps.${i}`;
}

/** Adds, for every approver-step message, the key of the field that shows it. */
export function placeStepErrors(errs: Record<string, string>): Record<string, string> {
  const out = { ...errs };
  for (const [path, message] of Object.entries(errs)) {
    const field = approverFieldOf(path);
    if (field) out[field] ??= message;
  }
  return out;
}

/**
 * A refusal naming Jira groups, project roles or people Jira does not know (POLICY.UNKNOWN_APPROVER),
 * placed on the lists of the steps that name them. The message names them as `Jira group "X"`,
 * `project role "Y"` and `person <account id>`.
 */
export function unknownApproverErrors(message: string, steps: readonly StepDraft[]): Record<string, string> {
  const all = (re: RegExp) => [...message.matchAll(re)].map((m) => m[1]);
  const groups = all(/Jira group "([^"]+)"/g);
  const roles = all(/project role "([^"]+)"/g);
  const people = all(/person ([A-Za-z0-9:_-]+)/g);
  const out: Record<string, string> = {};
  const put = (i: number, list: ApproverList, unknown: string[], what: string) => {
    if (unknown.length > 0)
      out[`approvalSteps.${i}.approvers.${list}`] =
        `Jira does not know ${what} ${unknown.join(', ')}. Remove and choose again from the search.`;
  };
  steps.forEach((s, i) => {
    put(
      i,
      'jiraGroups',
      s.jiraGroups.filter((g) => groups.includes(g)).map((g) => `"${g}"`),
      'the Jira group',
    );
    put(
      i,
      'projectRoles',
      s.projectRoles.filter((r) => roles.includes(r)).map((r) => `"${r}"`),
      'the project role',
    );
    put(
      i,
      'accountIds',
      s.people.filter((p) => people.includes(p.accountId)).map((p) => p.displayName),
      'the person',
    );
  });
  return out;
}

/** The refusal's message with the people it names by account id named by their display names. */
export function withPeopleNames(message: string, steps: readonly StepDraft[]): string {
  const names = new Map(steps.flatMap((s) => s.people.map((p) => [p.accountId, p.displayName] as const)));
  return message.replace(/person ([A-Za-z0-9:_-]+)/g, (whole, id: string) => {
    const name = names.get(id);
    return name && name !== id ? `person ${name} (${id})` : whole;
  });
}

/** Field messages for a refusal of the save, on the approver fields it names when it names any. */
export function approverRefusalErrors(
  refusal: { code: string; message: string },
  steps: readonly StepDraft[],
): Record<string, string> {
  if (refusal.code === ADMIN_ERRORS.unknownApprover) return unknownApproverErrors(refusal.message, steps);
  if (refusal.code === ADMIN_ERRORS.invalid) {
    const out: Record<string, string> = {};
    for (const m of refusal.message.matchAll(/\bapprovalSteps(?:\.\d+)?(?:\.[A-Za-z]+)*(?:\.\d+)?/g)) {
      const field = approverFieldOf(m[0]);
      if (field) out[field] ??= refusal.message;
    }
    return out;
  }
  return {};
}

const OPEN_SET_WORDS = 'Anyone who can transition the issue, except the requester (weakest)';

const approversOf = (s: StepDraft): ApproverSet => ({
  jiraGroups: s.jiraGroups,
  projectRoles: s.projectRoles,
  accountIds: s.people.map((p) => p.accountId),
});

const nameOf = (steps: readonly StepDraft[]) => {
  const names = new Map(steps.flatMap((s) => s.people.map((p) => [p.accountId, p.displayName] as const)));
  return (accountId: string) => names.get(accountId) ?? accountId;
};

/** Who may approve one step, in the words the allowlist uses (the open set says it is the weakest). */
const whoWords = (s: StepDraft) =>
  isOpenSet(approversOf(s)) ? OPEN_SET_WORDS : describeApprovers(approversOf(s), nameOf([s]));

/** The steps in words, as the allowlist will show them once saved ("2 approvals by …, then 1 approval by …"). */
function stepsWords(steps: readonly StepDraft[]): string {
  const name = nameOf(steps);
  return steps
    .map((s, i) => {
      const n = toNumber(s.count);
      const count =
        n !== undefined && Number.isInteger(n) && n > 0 ? `${n} approval${n === 1 ? '' : 's'}` : '? approvals';
      return `${i === 0 ? '' : 'then '}${count} by ${describeApprovers(approversOf(s), name)}`;
    })
    .join(', ');
}

const border = `1px solid ${token('color.border', '#DFE1E6')}`;
const subtle = { color: token('color.text.subtle', '#505F79') };

function Chips({
  testId,
  items,
  onRemove,
}: {
  testId: string;
  items: Array<{ key: string; label: string }>;
  onRemove: (key: string) => void;
}) {
  if (items.length === 0) return null;
  return (
    <ul
      data-testid={`${testId}-chips`}
      style={{
        listStyle: 'none',
        padding: 0,
        margin: `${token('space.050', '4px')} 0`,
        display: 'flex',
        gap: 4,
        flexWrap: 'wrap',
      }}
    >
      {items.map((it) => (
        <li
          key={it.key}
          data-testid={`${testId}-chip-${it.key}`}
          style={{
            display: 'inline-flex',
            alignItems: 'center',
            gap: 2,
            paddingLeft: token('space.100', '8px'),
            borderRadius: 3,
            background: token('color.background.neutral', '#091E420F'),
          }}
        >
          <span>{it.label}</span>
          <Button
            appearance="subtle"
            spacing="compact"
            aria-label={`Remove ${it.label}`}
            testId={`${testId}-remove-${it.key}`}
            onClick={() => onRemove(it.key)}
          >
            ×
          </Button>
        </li>
      ))}
    </ul>
  );
}

type RolesState = ReturnType<typeof useLoad<ApproverRoleHit[]>>;

/** The project roles Jira defines (loaded once for the whole section), chosen one at a time. */
function RolePicker({
  id,
  roles,
  chosen,
  full,
  onAdd,
}: {
  id: string;
  roles: RolesState;
  chosen: readonly string[];
  full: boolean;
  onAdd: (name: string) => void;
}) {
  const options = (roles.data ?? [])
    .filter((r) => !chosen.includes(r.name))
    .map((r) => ({ label: r.name, value: r.name }));
  const placeholder = roles.loading
    ? 'Loading project roles…'
    : roles.error && !roles.data
      ? 'Project roles could not be loaded'
      : roles.data && roles.data.length === 0
        ? 'Jira has no project roles'
        : full
          ? `At most ${LIMITS.maxApproversPerList} roles`
          : 'Choose a project role';
  return (
    <div data-testid={id} style={{ marginBottom: token('space.150', '12px') }}>
      <Label htmlFor={`${id}-select`}>Add a project role</Label>
      <Select
        inputId={`${id}-select`}
        classNamePrefix={`${id}-select`}
        placeholder={placeholder}
        options={options}
        value={null}
        isLoading={roles.loading}
        isDisabled={full || !roles.data || roles.data.length === 0}
        noOptionsMessage={() => 'Every project role is chosen'}
        onChange={(v) => {
          const o = v as { value: string } | null;
          if (o) onAdd(o.value);
        }}
      />
      <HelperMessage>Held in the issue's project, directly or through a group.</HelperMessage>
    </div>
  );
}

function Column({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div style={{ minWidth: 0 }}>
      <h5 style={{ margin: `0 0 ${token('space.050', '4px')}` }}>{title}</h5>
      {children}
    </div>
  );
}

function StepEditor({
  index,
  total,
  step,
  roles,
  errors,
  onChange,
  onRemove,
  onMove,
}: {
  index: number;
  total: number;
  step: StepDraft;
  roles: RolesState;
  errors: Record<string, string>;
  onChange: (step: StepDraft) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const base = `approvalSteps.${index}`;
  const max = LIMITS.maxApproversPerList;
  return (
    <fieldset
      data-testid={`approval-step-${index}`}
      style={{
        border,
        borderRadius: 4,
        padding: token('space.150', '12px'),
        margin: `0 0 ${token('space.150', '12px')}`,
      }}
    >
      <legend style={{ fontWeight: 600, padding: `0 ${token('space.050', '4px')}` }}>
        Step {index + 1}
        {total > 1 ? ` of ${total}` : ''}
      </legend>
      <div style={{ display: 'flex', gap: token('space.200', '16px'), alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <TextField
          id={`${base}.count`}
          label="Approvals needed"
          type="number"
          width={180}
          value={step.count}
          onChange={(v) => onChange({ ...step, count: v })}
          error={errors[`${base}.count`]}
          helper={`1 to ${LIMITS.maxApprovalsPerStep} different people.`}
        />
        <div style={{ flex: 1, minWidth: 240, paddingTop: 22 }}>
          <span style={subtle}>Who may approve this step: </span>
          <strong data-testid={`step-${index}-words`}>{whoWords(step)}</strong>
        </div>
        <div style={{ display: 'flex', gap: 4, paddingTop: 22 }}>
          <Button
            spacing="compact"
            testId={`step-up-${index}`}
            isDisabled={index === 0}
            aria-label={`Move step ${index + 1} up`}
            onClick={() => onMove(-1)}
          >
            ↑ Up
          </Button>
          <Button
            spacing="compact"
            testId={`step-down-${index}`}
            isDisabled={index === total - 1}
            aria-label={`Move step ${index + 1} down`}
            onClick={() => onMove(1)}
          >
            ↓ Down
          </Button>
          <Button spacing="compact" appearance="subtle" testId={`remove-step-${index}`} onClick={onRemove}>
            Remove step
          </Button>
        </div>
      </div>
      <p style={{ ...subtle, margin: `0 0 ${token('space.100', '8px')}` }}>
        Anyone in any of the lists below may approve. Leave them all empty for anyone who can transition the issue,
        except the requester (the weakest choice).
      </p>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
          columnGap: token('space.200', '16px'),
        }}
      >
        <Column title="Jira groups">
          <Chips
            testId={`step-${index}-groups`}
            items={step.jiraGroups.map((g) => ({ key: g, label: g }))}
            onRemove={(g) => onChange({ ...step, jiraGroups: step.jiraGroups.filter((x) => x !== g) })}
          />
          <FieldError id={`${base}.approvers.jiraGroups`} error={errors[`${base}.approvers.jiraGroups`]} />
          <SearchPicker<ApproverGroupHit>
            id={`step-${index}-groups`}
            label="Find a Jira group"
            placeholder="Part of the group name"
            what="Jira group"
            search={(query) => call(ADMIN_KEYS.approverGroupsSearch, { query })}
            keyOf={(h) => h.name}
            labelOf={(h) => h.name}
            chosen={step.jiraGroups}
            full={step.jiraGroups.length >= max}
            onAdd={(h) => onChange({ ...step, jiraGroups: [...step.jiraGroups, h.name] })}
          />
        </Column>
        <Column title="Project roles">
          <Chips
            testId={`step-${index}-roles`}
            items={step.projectRoles.map((r) => ({ key: r, label: r }))}
            onRemove={(r) => onChange({ ...step, projectRoles: step.projectRoles.filter((x) => x !== r) })}
          />
          <FieldError id={`${base}.approvers.projectRoles`} error={errors[`${base}.approvers.projectRoles`]} />
          <RolePicker
            id={`step-${index}-roles`}
            roles={roles}
            chosen={step.projectRoles}
            full={step.projectRoles.length >= max}
            onAdd={(r) => onChange({ ...step, projectRoles: [...step.projectRoles, r] })}
          />
        </Column>
        <Column title="People">
          <Chips
            testId={`step-${index}-people`}
            items={step.people.map((p) => ({ key: p.accountId, label: p.displayName }))}
            onRemove={(a) => onChange({ ...step, people: step.people.filter((p) => p.accountId !== a) })}
          />
          <FieldError id={`${base}.approvers.accountIds`} error={errors[`${base}.approvers.accountIds`]} />
          <SearchPicker<ApproverPersonHit>
            id={`step-${index}-people`}
            label="Find a person"
            placeholder="Part of a name or email"
            what="person"
            search={(query) => call(ADMIN_KEYS.approverPeopleSearch, { query })}
            keyOf={(h) => h.accountId}
            labelOf={(h) => h.displayName}
            chosen={step.people.map((p) => p.accountId)}
            full={step.people.length >= max}
            onAdd={(h) => onChange({ ...step, people: [...step.people, h] })}
          />
        </Column>
      </div>
      <FieldError id={base} error={errors[base]} />
    </fieldset>
  );
}

/** The Approvers section of the policy form (approval required only). */
export function ApproversSection({
  steps,
  onChange,
  errors,
}: {
  steps: StepDraft[];
  onChange: (steps: StepDraft[]) => void;
  errors: Record<string, string>;
}) {
  const roles = useLoad(() => call(ADMIN_KEYS.approverRolesList));
  const full = steps.length >= LIMITS.maxApprovalSteps;
  const replace = (i: number, s: StepDraft) => onChange(steps.map((x, j) => (j === i ? s : x)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };

  return (
    <section data-testid="approvers-section" style={{ margin: `${token('space.200', '16px')} 0` }}>
      <h4 style={{ margin: `0 0 ${token('space.100', '8px')}` }}>Approvers</h4>
      <div data-testid="approvers-help" style={{ maxWidth: 760, ...subtle }}>
        <p style={{ margin: 0 }}>
          Who must approve a request for this group before the app adds the requester. Approvers approve with Approve on
          the issue's Okta access panel, or by moving the issue into the approval status set on the Policy tab.
        </p>
        <ul style={{ margin: `${token('space.050', '4px')} 0 ${token('space.150', '12px')}` }}>
          <li>
            One step that needs 2 or more approvals is the two-person rule: that many different people must approve.
          </li>
          <li>
            Several steps run in order: a step can be approved only once the step before it has all its approvals.
          </li>
          <li>The requester, and whoever raised the request for someone else, never count as approvers.</li>
          <li>A person counts once, even when they may approve more than one step.</li>
        </ul>
      </div>
      {roles.error && (
        <LoadProblem
          testId="roles-problem"
          title="Could not load the project roles from Jira"
          message={roles.error.message}
          onRetry={() => void roles.reload()}
          busy={roles.loading}
        />
      )}
      {steps.length === 0 && (
        <Notice appearance="warning" testId="approvers-default" title="The weakest approval">
          <p>
            No step is set, so a request needs 1 approval by anyone who can transition the issue, except the requester.
            Add a step to name who approves and how many must.
          </p>
        </Notice>
      )}
      {steps.map((s, i) => (
        <StepEditor
          key={s.key}
          index={i}
          total={steps.length}
          step={s}
          roles={roles}
          errors={errors}
          onChange={(next) => replace(i, next)}
          onRemove={() => onChange(steps.filter((_, j) => j !== i))}
          onMove={(by) => move(i, by)}
        />
      ))}
      <FieldError id="approvalSteps" error={errors.approvalSteps} />
      <div style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'center' }}>
        <Button testId="add-step" isDisabled={full} onClick={() => onChange([...steps, newStep()])}>
          Add step
        </Button>
        {full && <small style={subtle}>At most {LIMITS.maxApprovalSteps} steps.</small>}
      </div>
      {steps.length > 0 && (
        <p style={{ margin: `${token('space.150', '12px')} 0 0` }}>
          <span style={subtle}>In words: </span>
          <span data-testid="approvers-words">{stepsWords(steps)}</span>
        </p>
      )}
    </section>
  );
}
