import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { Fieldset, HelperMessage, Label } from '@atlaskit/form';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  fieldErrors,
  LIMITS,
  PolicyInput,
  type JiraFieldHit,
  type JiraOptionList,
  type PolicyView,
} from '../../../../src/shared/admin-contract';
import { call, errorOf } from '../api';
import { RequesterMappingEditor } from '../components/RequesterMappingEditor';
import {
  BreakGlassReviewSection,
  NO_REVIEW,
  reviewPayload,
  type ReviewDraft,
} from '../components/BreakGlassReviewSection';
import { ChoiceInput, JiraChoiceField, projectsInWords, useKeyedLoad, type Choice } from '../components/JiraPickers';
import {
  FieldError,
  limitText,
  Loading,
  LoadProblem,
  Notice,
  Problem,
  TextField,
  toNumber,
  useLoad,
} from '../components/ui';
import { sameValue, useUnsavedEdits } from '../unsaved';

type Draft = {
  durationFieldName: string;
  durationMapping: Array<{ value: string; hours: string }>;
  defaultDurationHours: string;
  approvalStatusName: string;
  emergencyValue: string;
  emergencyMaxHours: string;
  closeOutTransitionName: string;
  requesterMapping: Array<{ accountId: string; oktaLogin: string }>;
  notifyByEmail: boolean;
  review: ReviewDraft;
  plannedStartFieldId: string;
  plannedEndFieldId: string;
  accessEndingStatuses: string[];
};

const fromView = (p: PolicyView): Draft => ({
  durationFieldName: p.durationFieldName,
  durationMapping: p.durationMapping.map((m) => ({ value: m.value, hours: String(m.hours) })),
  defaultDurationHours: String(p.defaultDurationHours),
  approvalStatusName: p.approvalStatusName,
  emergencyValue: p.emergencyValue ?? '',
  emergencyMaxHours: String(p.emergencyMaxHours),
  closeOutTransitionName: p.closeOutTransitionName ?? '',
  requesterMapping: p.requesterMapping.map((m) => ({ ...m })),
  notifyByEmail: p.notifyByEmail,
  review: p.breakGlassReview
    ? {
        enabled: true,
        projectKey: p.breakGlassReview.projectKey,
        projectName: '',
        issueTypeId: p.breakGlassReview.issueTypeId,
        issueTypeName: p.breakGlassReview.issueTypeName ?? '',
        assigneeKind: p.breakGlassReview.assignee.kind,
        assigneeAccountId: p.breakGlassReview.assignee.kind === 'user' ? p.breakGlassReview.assignee.accountId : '',
        assigneeName:
          p.breakGlassReview.assignee.kind === 'user' ? (p.people[p.breakGlassReview.assignee.accountId] ?? '') : '',
      }
    : NO_REVIEW,
  plannedStartFieldId: p.plannedStartFieldId ?? '',
  plannedEndFieldId: p.plannedEndFieldId ?? '',
  accessEndingStatuses: p.accessEndingStatuses ?? [],
});

const payloadOf = (d: Draft) => ({
  durationFieldName: d.durationFieldName,
  durationMapping: d.durationMapping.map((m) => ({ value: m.value, hours: toNumber(m.hours) as number })),
  defaultDurationHours: toNumber(d.defaultDurationHours) as number,
  approvalStatusName: d.approvalStatusName,
  emergencyValue: d.emergencyValue,
  emergencyMaxHours: toNumber(d.emergencyMaxHours) as number,
  closeOutTransitionName: d.closeOutTransitionName,
  requesterMapping: d.requesterMapping.map((m) => ({ accountId: m.accountId.trim(), oktaLogin: m.oktaLogin })),
  notifyByEmail: d.notifyByEmail,
  breakGlassReview: reviewPayload(d.review),
  plannedStartFieldId: d.plannedStartFieldId,
  plannedEndFieldId: d.plannedEndFieldId,
  accessEndingStatuses: d.accessEndingStatuses,
});

const cellInput = (
  id: string,
  value: string,
  onChange: (v: string) => void,
  error?: string,
  opts: { type?: string; placeholder?: string; label: string } = { label: '' },
) => (
  <div>
    <Textfield
      id={id}
      aria-label={opts.label}
      type={opts.type ?? 'text'}
      value={value}
      placeholder={opts.placeholder}
      isInvalid={!!error}
      isCompact
      onChange={(e) => onChange((e.target as HTMLInputElement).value)}
    />
    <FieldError id={id} error={error} />
  </div>
);

const tableStyle = { borderCollapse: 'collapse' as const, marginBottom: token('space.100', '8px') };
const th = {
  textAlign: 'left' as const,
  padding: `0 ${token('space.100', '8px')} ${token('space.050', '4px')} 0`,
  fontWeight: 600,
};
const td = { padding: `0 ${token('space.100', '8px')} ${token('space.050', '4px')} 0`, verticalAlign: 'top' as const };
const subtle = { color: token('color.text.subtle', '#505F79') };

const HOURS = { min: 1, max: LIMITS.maxDurationHours, unit: 'h' };
const EMERGENCY_HOURS = { min: 1, max: LIMITS.maxEmergencyHours, unit: 'h' };

/** The field the app reads: matched by name in any case, as the app matches it. */
const fieldNamed = (fields: JiraFieldHit[] | undefined, name: string) =>
  fields?.find((f) => f.name.trim().toLocaleLowerCase() === name.trim().toLocaleLowerCase());

const optionChoices = (list: JiraOptionList): Choice[] =>
  list.options.map((o) => ({ value: o.value, label: o.disabled ? `${o.value} (disabled in Jira)` : o.value }));

export function PolicyScreen() {
  const loaded = useLoad(() => call(ADMIN_KEYS.policyGet));
  const [draft, setDraft] = useState<Draft | undefined>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<{ ok: boolean; message: string } | undefined>();
  // What Jira has, for the pickers (read as the app).
  const fields = useLoad(() => call(ADMIN_KEYS.jiraFields));
  const dateTimeFields = useLoad(() => call(ADMIN_KEYS.jiraDateTimeFields));
  const statuses = useLoad(() => call(ADMIN_KEYS.jiraStatuses));
  const transitions = useLoad(() => call(ADMIN_KEYS.jiraTransitions));
  const fieldName = draft?.durationFieldName ?? loaded.data?.durationFieldName ?? '';
  const field = fieldNamed(fields.data, fieldName);
  const options = useKeyedLoad(field?.id, (fieldId) => call(ADMIN_KEYS.jiraFieldOptions, { fieldId }));
  // Unsaved: Save would send something other than the stored policy.
  const dirty = !!draft && !!loaded.data && !sameValue(payloadOf(draft), payloadOf(fromView(loaded.data)));
  useUnsavedEdits(dirty);
  // Bumped by Discard: the requester mapping editor starts afresh (its CSV box and picks too).
  const [discards, setDiscards] = useState(0);

  if (loaded.loading && !loaded.data) return <Loading label="Loading the policy…" />;
  if (loaded.error && !loaded.data)
    return (
      <LoadProblem
        title="Could not load the policy"
        message={loaded.error.message}
        onRetry={() => void loaded.reload()}
      />
    );
  const view = loaded.data!;
  const d = draft ?? fromView(view);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...d, ...patch });
    setBanner(undefined);
  };

  /** Back to the stored policy, read again: the form may have waited on a hidden tab for a while. */
  function discard() {
    setDraft(undefined);
    setErrors({});
    setBanner(undefined);
    setDiscards((n) => n + 1);
    void loaded.reload();
  }

  async function save() {
    setBanner(undefined);
    const payload = payloadOf(d);
    const parsed = PolicyInput.safeParse(payload);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      setBanner({ ok: false, message: 'Some fields need attention: nothing was saved.' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = await call(ADMIN_KEYS.policySave, payload);
      loaded.setData(saved);
      setDraft(fromView(saved));
      setBanner({ ok: true, message: 'Policy saved.' });
    } catch (e) {
      const refusal = errorOf(e);
      // A choice Jira does not have is named on its field too, and the lists are read again: Jira (or
      // the allowlist's projects) changed since they were loaded.
      setErrors(refusal.fields);
      setBanner({ ok: false, message: refusal.message });
      if (refusal.code === ADMIN_ERRORS.notInJira) {
        void fields.reload();
        void dateTimeFields.reload();
        void statuses.reload();
        void transitions.reload();
        void options.reload();
      }
    } finally {
      setBusy(false);
    }
  }

  const mapping = d.durationMapping;
  const people = d.requesterMapping;
  // The duration values: picked from the field's options, typed when Jira cannot list them.
  const valueChoices =
    field && options.data?.listed ? optionChoices(options.data) : field && options.loading ? [] : undefined;
  const unmapped = (valueChoices ?? []).filter((c) => !mapping.some((m) => m.value === c.value));
  const mappedValues = mapping.map((m) => m.value.trim()).filter(Boolean);

  return (
    <form
      data-testid="policy-screen"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>Duration</h3>
      <JiraChoiceField
        id="durationFieldName"
        label="Duration field"
        required
        what="select list fields"
        value={d.durationFieldName}
        onChange={(v) => set({ durationFieldName: v })}
        error={errors.durationFieldName}
        state={{
          ...fields,
          data: fields.data && {
            listed: true,
            choices: fields.data.map((f) => ({ value: f.name, label: f.name })),
          },
        }}
        placeholder="Choose a select list field"
        emptyText="Jira has no single-choice select list field: create one (e.g. Change type) and reload."
        helper="The Jira select list whose value sets how long access lasts (default: Change type). Only single-choice select lists are listed."
      />
      <table style={tableStyle} data-testid="duration-mapping">
        <thead>
          <tr>
            <th style={th}>Field value</th>
            <th style={th}>
              Hours <span style={{ ...subtle, fontWeight: 400 }}>{limitText(HOURS)}</span>
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {mapping.map((m, i) => (
            <tr key={i}>
              <td style={{ ...td, width: 280 }}>
                <ChoiceInput
                  id={`durationMapping.${i}.value`}
                  ariaLabel={`Value ${i + 1}`}
                  value={m.value}
                  onChange={(v) => set({ durationMapping: mapping.map((x, j) => (j === i ? { ...x, value: v } : x)) })}
                  choices={
                    valueChoices &&
                    valueChoices.filter((c) => c.value === m.value || !mapping.some((x) => x.value === c.value))
                  }
                  loading={!!field && options.loading && !options.data}
                  invalid={!!errors[`durationMapping.${i}.value`]}
                  placeholder={valueChoices ? 'Choose a value' : 'Standard'}
                  emptyText={`Every value of ${field?.name ?? 'the field'} is mapped`}
                  compact
                />
                <FieldError id={`durationMapping.${i}.value`} error={errors[`durationMapping.${i}.value`]} />
              </td>
              <td style={{ ...td, width: 140 }}>
                {cellInput(
                  `durationMapping.${i}.hours`,
                  m.hours,
                  (v) => set({ durationMapping: mapping.map((x, j) => (j === i ? { ...x, hours: v } : x)) }),
                  errors[`durationMapping.${i}.hours`],
                  { label: `Hours for value ${i + 1} (${limitText(HOURS)})`, type: 'number' },
                )}
              </td>
              <td style={td}>
                <Button appearance="subtle" onClick={() => set({ durationMapping: mapping.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FieldError id="durationMapping" error={errors.durationMapping} />
      <div data-testid="duration-values-state" style={{ maxWidth: 640 }}>
        {fields.data && !field && d.durationFieldName.trim() !== '' && (
          <HelperMessage>
            Jira has no select list named “{d.durationFieldName}”: choose the duration field above to pick its values.
          </HelperMessage>
        )}
        {field && options.data?.listed === false && options.data.note && (
          <HelperMessage>{options.data.note}</HelperMessage>
        )}
        {field && options.data?.listed && options.data.options.length === 0 && (
          <HelperMessage>{field.name} has no options in Jira yet: add them in Jira, then reload.</HelperMessage>
        )}
        {field && options.error && !options.loading && (
          <LoadProblem
            testId="duration-values-problem"
            title={`Could not load the values of ${field.name} from Jira`}
            message={`${options.error.message} You can type the values meanwhile: they are checked against Jira when you save.`}
            onRetry={() => void options.reload()}
          />
        )}
      </div>
      <div style={{ display: 'flex', gap: token('space.100', '8px') }}>
        <Button
          testId="add-duration-value"
          onClick={() => set({ durationMapping: [...mapping, { value: '', hours: '' }] })}
        >
          Add a value
        </Button>
        {valueChoices && unmapped.length > 0 && (
          <Button
            testId="add-all-values"
            appearance="subtle"
            onClick={() =>
              set({
                durationMapping: [
                  ...mapping.filter((m) => m.value.trim() !== '' || m.hours.trim() !== ''),
                  ...unmapped.map((c) => ({ value: c.value, hours: d.defaultDurationHours })),
                ],
              })
            }
          >
            Add every value of {field?.name} ({unmapped.length})
          </Button>
        )}
      </div>
      <div style={{ marginTop: token('space.150', '12px') }}>
        <TextField
          id="defaultDurationHours"
          label="Default duration (hours)"
          type="number"
          value={d.defaultDurationHours}
          onChange={(v) => set({ defaultDurationHours: v })}
          error={errors.defaultDurationHours}
          helper="When the field is empty or holds another value. Each group's max duration still caps it."
          width={280}
          limit={HOURS}
        />
      </div>

      <h3>Approval</h3>
      <JiraChoiceField
        id="approvalStatusName"
        label="Approval status"
        required
        what="statuses"
        value={d.approvalStatusName}
        onChange={(v) => set({ approvalStatusName: v })}
        error={errors.approvalStatusName}
        state={{
          ...statuses,
          data: statuses.data && {
            listed: true,
            choices: statuses.data.names.map((n) => ({ value: n, label: n })),
          },
        }}
        placeholder="Choose a status"
        emptyText="The projects in use have no status to choose."
        helper={
          <>
            For groups with approval: access starts when someone other than the requester moves the issue into this
            status. Listed: the statuses of {projectsInWords(statuses.data?.projects)}.
          </>
        }
      />
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
          columnGap: token('space.200', '16px'),
          maxWidth: 640,
        }}
      >
        <div style={{ marginBottom: token('space.150', '12px') }} data-testid="emergencyValue-picker">
          <Label htmlFor="emergencyValue">Emergency value</Label>
          <ChoiceInput
            id="emergencyValue"
            value={d.emergencyValue}
            onChange={(v) => set({ emergencyValue: v })}
            choices={mappedValues.map((v) => ({ value: v, label: v }))}
            invalid={!!errors.emergencyValue}
            clearable
            placeholder="None: no emergency path"
            emptyText="Map a value above first"
            unknownLabel={(v) => `${v} (not among the values above)`}
          />
          {errors.emergencyValue ? (
            <FieldError id="emergencyValue" error={errors.emergencyValue} />
          ) : (
            <HelperMessage>
              A value above that skips approval (flagged in the audit). None: no emergency path.
            </HelperMessage>
          )}
        </div>
        <TextField
          id="emergencyMaxHours"
          label="Emergency cap (hours)"
          type="number"
          value={d.emergencyMaxHours}
          onChange={(v) => set({ emergencyMaxHours: v })}
          error={errors.emergencyMaxHours}
          limit={EMERGENCY_HOURS}
        />
      </div>

      <h3>Change window</h3>
      <div data-testid="change-window" style={{ maxWidth: 640 }}>
        {(['plannedStartFieldId', 'plannedEndFieldId'] as const).map((key) => (
          <JiraChoiceField
            key={key}
            id={key}
            label={key === 'plannedStartFieldId' ? 'Planned start field' : 'Planned end field'}
            what="date-time fields"
            value={d[key]}
            onChange={(v) => set({ [key]: v })}
            error={errors[key]}
            clearable
            state={{
              ...dateTimeFields,
              data: dateTimeFields.data && {
                listed: true,
                choices: dateTimeFields.data.map((f) => ({ value: f.id, label: f.name })),
              },
            }}
            placeholder="None: no change window"
            emptyText="Jira has no date-time field."
            helper={
              key === 'plannedStartFieldId'
                ? 'A request approved before this time is granted at it, not before (e.g. a change’s planned start).'
                : 'Access ends at this time at the latest; the group’s cap counts from the actual start.'
            }
          />
        ))}
        <Fieldset legend="Statuses that end access">
          <div
            id="accessEndingStatuses"
            data-testid="accessEndingStatuses"
            style={{ display: 'flex', flexWrap: 'wrap', columnGap: token('space.150', '12px') }}
          >
            {(statuses.data?.names ?? []).map((n) => (
              <Checkbox
                key={n}
                label={n}
                isChecked={d.accessEndingStatuses.includes(n)}
                onChange={(e) =>
                  set({
                    accessEndingStatuses: e.target.checked
                      ? [...d.accessEndingStatuses, n]
                      : d.accessEndingStatuses.filter((x) => x !== n),
                  })
                }
              />
            ))}
          </div>
        </Fieldset>
        {Object.entries(errors)
          .filter(([k]) => k.startsWith('accessEndingStatuses'))
          .map(([k, e]) => (
            <FieldError key={k} id={k} error={e} />
          ))}
        <HelperMessage>
          When the request issue enters one of these (resolved, cancelled), its access ends; a request not yet started
          ends without access. Reopening does not grant again.
        </HelperMessage>
      </div>

      <h3>Requester mapping</h3>
      <RequesterMappingEditor
        key={discards}
        rows={people}
        onChange={(rows) => set({ requesterMapping: rows })}
        errors={errors}
        names={view.people}
        needsMapping={view.needsMapping ?? []}
      />

      <h3>Break-glass review</h3>
      <BreakGlassReviewSection value={d.review} onChange={(review) => set({ review })} errors={errors} />

      <h3>Close-out and notifications</h3>
      <JiraChoiceField
        id="closeOutTransitionName"
        label="Close-out transition"
        what="workflow transitions"
        value={d.closeOutTransitionName}
        onChange={(v) => set({ closeOutTransitionName: v })}
        error={errors.closeOutTransitionName}
        clearable
        state={{
          ...transitions,
          data: transitions.data && {
            listed: transitions.data.listed,
            note: transitions.data.note,
            choices: transitions.data.names.map((n) => ({ value: n, label: n })),
          },
        }}
        placeholder="None: leave the issue alone"
        emptyText="The workflows in use have no transition to choose."
        helper={
          <>
            Applied to the issue when its access ends, where the issue offers it (e.g. Done). None: the issue is left
            alone.
            {transitions.data?.listed
              ? ` Listed: the transitions of the workflows of ${projectsInWords(transitions.data.projects)}.`
              : ''}
          </>
        }
      />
      <Checkbox
        testId="notifyByEmail"
        isChecked={d.notifyByEmail}
        onChange={(e) => set({ notifyByEmail: e.target.checked })}
        label="Also notify requesters by email (through Jira) when access starts, is about to end and ends"
      />

      <div style={{ marginTop: token('space.300', '24px'), display: 'flex', gap: token('space.100', '8px') }}>
        <Button type="submit" appearance="primary" testId="save-policy" isLoading={busy}>
          Save policy
        </Button>
        {dirty && (
          <Button appearance="subtle" testId="discard-policy" isDisabled={busy} onClick={discard}>
            Discard changes
          </Button>
        )}
      </div>
      {banner &&
        (banner.ok ? (
          <Notice appearance="success" testId="policy-saved">
            {banner.message}
          </Notice>
        ) : (
          <Problem title="Not saved" message={banner.message} testId="policy-problem" />
        ))}
    </form>
  );
}
