/**
 * The requester mapping of the Policy tab (ADR 0016): for the people whose email Jira hides from the
 * app, the Okta login that stands for their Jira account. Each row picks the Jira person (Find in
 * Jira) and the Okta user (Find in Okta, active users only), or takes them typed; a CSV pasted or
 * uploaded fills many rows at once and says, per line, what it could not import; people whose
 * requests were denied for want of a mapping are listed with Map this person. Nothing is stored until
 * the policy is saved, when the server checks every new or changed row against Jira and Okta.
 */
import Button from '@atlaskit/button/new';
import { HelperMessage, Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import {
  ADMIN_KEYS,
  LIMITS,
  NEEDS_MAPPING_DAYS,
  type ApproverPersonHit,
  type NeedsMapping,
  type OktaUserHit,
} from '../../../../src/shared/admin-contract';
import {
  mergeMappingRows,
  parseMappingCsv,
  type MappingCsvProblem,
} from '../../../../src/shared/requester-mapping-csv';
import { call } from '../api';
import { useUnsavedEdits } from '../unsaved';
import { SearchPicker } from './SearchPicker';
import { FieldError, formatTime, Notice } from './ui';

export type MappingRow = { accountId: string; oktaLogin: string };

const subtle = { color: token('color.text.subtle', '#505F79') };
const th = {
  textAlign: 'left' as const,
  padding: `0 ${token('space.100', '8px')} ${token('space.050', '4px')} 0`,
  fontWeight: 600,
};
const td = { padding: `0 ${token('space.100', '8px')} ${token('space.100', '8px')} 0`, verticalAlign: 'top' as const };

type Open = { row: number; kind: 'jira' | 'okta' } | undefined;

interface ImportReport {
  added: number;
  replaced: number;
  unchanged: number;
  header: boolean;
  problems: MappingCsvProblem[];
}

export function RequesterMappingEditor({
  rows,
  onChange,
  errors,
  names,
  needsMapping,
}: {
  rows: MappingRow[];
  onChange: (rows: MappingRow[]) => void;
  errors: Record<string, string>;
  /** Jira display names by account id, as the server knows them. */
  names: Record<string, string>;
  needsMapping: NeedsMapping[];
}) {
  const [open, setOpen] = useState<Open>();
  // What the pickers told us, shown until the page reloads: Jira names and Okta users by login.
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [oktaUsers, setOktaUsers] = useState<Record<string, OktaUserHit>>({});
  const [csvOpen, setCsvOpen] = useState(false);
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<ImportReport | undefined>();
  // CSV pasted but not imported yet is an edit of its own: the policy form cannot see it.
  const [imported, setImported] = useState('');
  useUnsavedEdits(csvOpen && csv.trim() !== '' && csv !== imported);
  const nameOf = (accountId: string) => picked[accountId] ?? names[accountId];
  const full = rows.length >= LIMITS.maxRequesterMappings;

  const update = (i: number, patch: Partial<MappingRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const toggle = (row: number, kind: 'jira' | 'okta') =>
    setOpen(open && open.row === row && open.kind === kind ? undefined : { row, kind });

  function runImport() {
    const parsed = parseMappingCsv(csv);
    const merged = mergeMappingRows(rows, parsed.rows);
    onChange(merged.rows);
    setImported(csv);
    setOpen(undefined);
    setReport({
      added: merged.added,
      replaced: merged.replaced,
      unchanged: merged.unchanged,
      header: parsed.header,
      problems: [...parsed.problems, ...merged.problems].sort((a, b) => a.line - b.line),
    });
  }

  function mapPerson(n: NeedsMapping) {
    setPicked((p) => ({ ...p, [n.accountId]: n.name }));
    const at = rows.findIndex((r) => r.accountId.trim() === n.accountId);
    if (at >= 0) {
      setOpen({ row: at, kind: 'okta' });
      return;
    }
    onChange([...rows, { accountId: n.accountId, oktaLogin: '' }]);
    setOpen({ row: rows.length, kind: 'okta' });
  }

  const pending = needsMapping.filter((n) => !rows.some((r) => r.accountId.trim() === n.accountId));

  return (
    <section data-testid="requester-mapping-section">
      <p style={{ maxWidth: 720 }}>
        Jira does not show most people&apos;s email address to apps, so the app cannot find them in Okta by email. Map
        each such person&apos;s Jira account to their Okta login here: the mapping always wins over the email.
      </p>

      {pending.length > 0 && (
        <Notice appearance="warning" testId="needs-mapping" title="These people need a mapping">
          <p style={{ margin: 0 }}>
            Their requests of the last {NEEDS_MAPPING_DAYS} days were denied because the app could not find them in
            Okta. Map them, save, and ask them to raise the request again.
          </p>
          <ul style={{ margin: `${token('space.050', '4px')} 0 0`, paddingLeft: token('space.200', '16px') }}>
            {pending.map((n) => (
              <li key={n.accountId} style={{ marginBottom: token('space.050', '4px') }}>
                <strong>{n.name}</strong>{' '}
                <span style={subtle}>
                  ({n.reason}; {n.issueKey}, {formatTime(n.at)})
                </span>{' '}
                <Button
                  spacing="compact"
                  testId={`map-person-${n.accountId}`}
                  isDisabled={full}
                  onClick={() => mapPerson(n)}
                >
                  Map this person
                </Button>
              </li>
            ))}
          </ul>
        </Notice>
      )}

      <table style={{ borderCollapse: 'collapse', width: '100%', maxWidth: 980 }} data-testid="requester-mapping">
        <thead>
          <tr>
            <th style={{ ...th, width: '45%' }}>Jira person</th>
            <th style={{ ...th, width: '45%' }}>Okta user</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((m, i) => {
            const jiraName = m.accountId.trim() ? nameOf(m.accountId.trim()) : undefined;
            const okta = oktaUsers[m.oktaLogin.trim().toLowerCase()];
            const accErr = errors[`requesterMapping.${i}.accountId`];
            const loginErr = errors[`requesterMapping.${i}.oktaLogin`];
            return (
              <tr key={i} data-testid={`mapping-row-${i}`}>
                <td style={td}>
                  <div style={{ display: 'flex', gap: 4 }}>
                    <div style={{ flex: 1 }}>
                      <Textfield
                        id={`requesterMapping.${i}.accountId`}
                        aria-label={`Jira account id, row ${i + 1}`}
                        value={m.accountId}
                        placeholder="Jira account id"
                        isInvalid={!!accErr}
                        isCompact
                        onChange={(e) => update(i, { accountId: (e.target as HTMLInputElement).value })}
                      />
                    </div>
                    <Button spacing="compact" testId={`mapping-${i}-find-jira`} onClick={() => toggle(i, 'jira')}>
                      Find in Jira
                    </Button>
                  </div>
                  {jiraName && (
                    <small data-testid={`mapping-${i}-jira-name`} style={subtle}>
                      {jiraName}
                    </small>
                  )}
                  <FieldError id={`requesterMapping.${i}.accountId`} error={accErr} />
                  {open?.row === i && open.kind === 'jira' && (
                    <SearchPicker<ApproverPersonHit>
                      id={`mapping-${i}-jira`}
                      label="Find the person in Jira"
                      placeholder="Part of a name"
                      what="person"
                      search={(query) => call(ADMIN_KEYS.approverPeopleSearch, { query })}
                      keyOf={(h) => h.accountId}
                      labelOf={(h) => h.displayName}
                      chosen={[m.accountId.trim()]}
                      chosenLabel="chosen"
                      addLabel="Choose"
                      full={false}
                      onAdd={(h) => {
                        setPicked((p) => ({ ...p, [h.accountId]: h.displayName }));
                        update(i, { accountId: h.accountId });
                        setOpen(m.oktaLogin.trim() ? undefined : { row: i, kind: 'okta' });
                      }}
                    />
                  )}
                </td>
                <td style={td}>
                  <div style={{ display: 'flex', gap: 4 }}>
                    <div style={{ flex: 1 }}>
                      <Textfield
                        id={`requesterMapping.${i}.oktaLogin`}
                        aria-label={`Okta login, row ${i + 1}`}
                        value={m.oktaLogin}
                        placeholder="Okta login"
                        isInvalid={!!loginErr}
                        isCompact
                        onChange={(e) => update(i, { oktaLogin: (e.target as HTMLInputElement).value })}
                      />
                    </div>
                    <Button spacing="compact" testId={`mapping-${i}-find-okta`} onClick={() => toggle(i, 'okta')}>
                      Find in Okta
                    </Button>
                  </div>
                  {okta && (
                    <small data-testid={`mapping-${i}-okta-name`} style={subtle}>
                      {okta.name}{' '}
                      <Lozenge appearance={okta.status === 'ACTIVE' ? 'success' : 'removed'}>{okta.status}</Lozenge>
                    </small>
                  )}
                  <FieldError id={`requesterMapping.${i}.oktaLogin`} error={loginErr} />
                  {open?.row === i && open.kind === 'okta' && (
                    <SearchPicker<OktaUserHit>
                      id={`mapping-${i}-okta`}
                      label="Find the user in Okta"
                      placeholder="Start of a login, email or name"
                      what="user"
                      source="Okta"
                      search={(query) => call(ADMIN_KEYS.oktaUsersSearch, { query })}
                      keyOf={(h) => h.login}
                      labelOf={(h) => `${h.name} · ${h.login}`}
                      detailOf={(h) => (h.status === 'ACTIVE' ? undefined : h.status)}
                      disabledReason={(h) =>
                        h.status === 'ACTIVE' ? undefined : `${h.status}: only active users can be mapped`
                      }
                      chosen={[m.oktaLogin.trim()]}
                      chosenLabel="chosen"
                      addLabel="Choose"
                      full={false}
                      onAdd={(h) => {
                        setOktaUsers((u) => ({ ...u, [h.login.toLowerCase()]: h }));
                        update(i, { oktaLogin: h.login });
                        setOpen(undefined);
                      }}
                    />
                  )}
                </td>
                <td style={td}>
                  <Button
                    appearance="subtle"
                    spacing="compact"
                    testId={`mapping-${i}-remove`}
                    onClick={() => {
                      setOpen(undefined);
                      onChange(rows.filter((_, j) => j !== i));
                    }}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError id="requesterMapping" error={errors.requesterMapping} />
      {rows.length === 0 && (
        <p style={subtle}>No one is mapped: requesters are found in Okta by the email Jira shows.</p>
      )}
      <div style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'center' }}>
        <Button
          testId="add-person"
          isDisabled={full}
          onClick={() => {
            onChange([...rows, { accountId: '', oktaLogin: '' }]);
            setOpen({ row: rows.length, kind: 'jira' });
          }}
        >
          Add a person
        </Button>
        <Button
          testId="import-csv"
          appearance="subtle"
          isDisabled={full && !csvOpen}
          onClick={() => setCsvOpen(!csvOpen)}
        >
          {csvOpen ? 'Close the CSV import' : 'Import from CSV'}
        </Button>
        <small style={subtle}>
          {rows.length} of at most {LIMITS.maxRequesterMappings} people
        </small>
      </div>

      {csvOpen && (
        <div
          data-testid="csv-import"
          style={{
            marginTop: token('space.150', '12px'),
            padding: token('space.150', '12px'),
            maxWidth: 720,
            border: `1px solid ${token('color.border', '#DFE1E6')}`,
            borderRadius: 4,
          }}
        >
          <Label htmlFor="mapping-csv">CSV: Jira account id, Okta login</Label>
          <textarea
            id="mapping-csv"
            data-testid="mapping-csv"
            rows={6}
            value={csv}
            placeholder={'Jira account id,Okta login\n5b10a2844c20165700ede21g,ann.example@example.com'}
            onChange={(e) => setCsv(e.target.value)}
            style={{ width: '100%', fontFamily: 'monospace', boxSizing: 'border-box' }}
          />
          <HelperMessage>
            One person per line: the Jira account id (from the person&apos;s profile URL, or the User id column of
            Atlassian Administration&apos;s user export), then the Okta login. A header line, # comments and ; or tab
            separators are fine. A person already in the table takes the imported login. At most{' '}
            {LIMITS.maxRequesterMappings} people. Nothing is saved until you save the policy.
          </HelperMessage>
          <div style={{ display: 'flex', gap: token('space.100', '8px'), marginTop: token('space.100', '8px') }}>
            <label>
              <span style={subtle}>Or choose a file: </span>
              <input
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                data-testid="mapping-csv-file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) void file.text().then(setCsv);
                }}
              />
            </label>
            <Button testId="run-import" appearance="primary" isDisabled={csv.trim() === ''} onClick={runImport}>
              Import
            </Button>
          </div>
        </div>
      )}

      {report && (
        <Notice
          appearance={report.problems.length > 0 ? 'warning' : 'success'}
          testId="mapping-import-report"
          title={
            report.problems.length > 0
              ? `Imported with ${report.problems.length} line${report.problems.length === 1 ? '' : 's'} left out`
              : 'Imported'
          }
        >
          <p style={{ margin: 0 }}>
            {report.added} added, {report.replaced} changed, {report.unchanged} already mapped
            {report.header ? ' (the header line was skipped)' : ''}. Check the rows, then save the policy: nothing is
            saved yet.
          </p>
          {report.problems.length > 0 && (
            <ul style={{ margin: `${token('space.050', '4px')} 0 0`, paddingLeft: token('space.200', '16px') }}>
              {report.problems.map((p) => (
                <li key={`${p.line}-${p.message}`} data-testid={`import-problem-line-${p.line}`}>
                  {p.line > 0 ? `Line ${p.line}` : 'The file'}
                  {p.text ? (
                    <>
                      {' '}
                      (<code>{p.text}</code>)
                    </>
                  ) : null}
                  : {p.message}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </section>
  );
}
