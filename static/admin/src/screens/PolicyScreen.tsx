import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { ADMIN_KEYS, fieldErrors, PolicyInput, type PolicyView } from '../../../../src/shared/admin-contract';
import { call, errorOf } from '../api';
import { FieldError, Loading, LoadProblem, Notice, Problem, TextField, toNumber, useLoad } from '../components/ui';

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

export function PolicyScreen() {
  const loaded = useLoad(() => call(ADMIN_KEYS.policyGet));
  const [draft, setDraft] = useState<Draft | undefined>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<{ ok: boolean; message: string } | undefined>();

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
      setBanner({ ok: false, message: errorOf(e).message });
    } finally {
      setBusy(false);
    }
  }

  const mapping = d.durationMapping;
  const people = d.requesterMapping;

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
      <TextField
        id="durationFieldName"
        label="Duration field"
        required
        value={d.durationFieldName}
        onChange={(v) => set({ durationFieldName: v })}
        error={errors.durationFieldName}
        helper="The Jira field whose value sets how long access lasts (default: Change type)."
      />
      <table style={tableStyle} data-testid="duration-mapping">
        <thead>
          <tr>
            <th style={th}>Field value</th>
            <th style={th}>Hours</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {mapping.map((m, i) => (
            <tr key={i}>
              <td style={td}>
                {cellInput(
                  `durationMapping.${i}.value`,
                  m.value,
                  (v) => set({ durationMapping: mapping.map((x, j) => (j === i ? { ...x, value: v } : x)) }),
                  errors[`durationMapping.${i}.value`],
                  { label: `Value ${i + 1}`, placeholder: 'Standard' },
                )}
              </td>
              <td style={td}>
                {cellInput(
                  `durationMapping.${i}.hours`,
                  m.hours,
                  (v) => set({ durationMapping: mapping.map((x, j) => (j === i ? { ...x, hours: v } : x)) }),
                  errors[`durationMapping.${i}.hours`],
                  { label: `Hours for value ${i + 1}`, type: 'number' },
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
      <Button
        testId="add-duration-value"
        onClick={() => set({ durationMapping: [...mapping, { value: '', hours: '' }] })}
      >
        Add a value
      </Button>
      <div style={{ marginTop: token('space.150', '12px') }}>
        <TextField
          id="defaultDurationHours"
          label="Default duration (hours)"
          type="number"
          value={d.defaultDurationHours}
          onChange={(v) => set({ defaultDurationHours: v })}
          error={errors.defaultDurationHours}
          helper="When the field is empty or holds another value. Each group's max duration still caps it."
          width={240}
        />
      </div>

      <h3>Approval</h3>
      <TextField
        id="approvalStatusName"
        label="Approval status"
        required
        value={d.approvalStatusName}
        onChange={(v) => set({ approvalStatusName: v })}
        error={errors.approvalStatusName}
        helper="For groups with approval: access starts when someone other than the requester moves the issue into this status."
      />
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
          columnGap: token('space.200', '16px'),
          maxWidth: 640,
        }}
      >
        <TextField
          id="emergencyValue"
          label="Emergency value"
          value={d.emergencyValue}
          onChange={(v) => set({ emergencyValue: v })}
          error={errors.emergencyValue}
          helper="A field value that skips approval (flagged in the audit). Empty: no emergency path."
        />
        <TextField
          id="emergencyMaxHours"
          label="Emergency cap (hours)"
          type="number"
          value={d.emergencyMaxHours}
          onChange={(v) => set({ emergencyMaxHours: v })}
          error={errors.emergencyMaxHours}
        />
      </div>

      <h3>Requester mapping</h3>
      <p style={{ maxWidth: 640 }}>For people whose email Jira hides: the Okta login to use for their Jira account.</p>
      <table style={tableStyle} data-testid="requester-mapping">
        <thead>
          <tr>
            <th style={th}>Jira account id</th>
            <th style={th}>Okta login</th>
            <th style={th}>Jira name</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {people.map((m, i) => (
            <tr key={i}>
              <td style={td}>
                {cellInput(
                  `requesterMapping.${i}.accountId`,
                  m.accountId,
                  (v) => set({ requesterMapping: people.map((x, j) => (j === i ? { ...x, accountId: v } : x)) }),
                  errors[`requesterMapping.${i}.accountId`],
                  { label: `Jira account id ${i + 1}`, placeholder: '5b10a2844c20165700ede21g' },
                )}
              </td>
              <td style={td}>
                {cellInput(
                  `requesterMapping.${i}.oktaLogin`,
                  m.oktaLogin,
                  (v) => set({ requesterMapping: people.map((x, j) => (j === i ? { ...x, oktaLogin: v } : x)) }),
                  errors[`requesterMapping.${i}.oktaLogin`],
                  { label: `Okta login ${i + 1}`, placeholder: 'name@example.com' },
                )}
              </td>
              <td style={td}>{view.people[m.accountId] ?? ''}</td>
              <td style={td}>
                <Button appearance="subtle" onClick={() => set({ requesterMapping: people.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {people.length === 0 && (
        <p style={{ color: token('color.text.subtle', '#505F79') }}>
          No one is mapped: requesters are found in Okta by their Jira email.
        </p>
      )}
      <Button
        testId="add-person"
        onClick={() => set({ requesterMapping: [...people, { accountId: '', oktaLogin: '' }] })}
      >
        Add a person
      </Button>

      <h3>Close-out and notifications</h3>
      <TextField
        id="closeOutTransitionName"
        label="Close-out transition"
        value={d.closeOutTransitionName}
        onChange={(v) => set({ closeOutTransitionName: v })}
        error={errors.closeOutTransitionName}
        helper="Transition applied to the issue when its access ends (e.g. Done). Empty: the issue is left alone."
      />
      <label style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'center' }}>
        <input
          type="checkbox"
          data-testid="notifyByEmail"
          checked={d.notifyByEmail}
          onChange={(e) => set({ notifyByEmail: e.target.checked })}
        />
        Also notify requesters by email (through Jira) when access starts, is about to end and ends
      </label>

      <div style={{ marginTop: token('space.300', '24px') }}>
        <Button type="submit" appearance="primary" testId="save-policy" isLoading={busy}>
          Save policy
        </Button>
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
