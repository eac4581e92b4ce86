import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import { token } from '@atlaskit/tokens';
import { useEffect, useState } from 'react';
import {
  ADMIN_KEYS,
  AuditQueryInput,
  auditCsv,
  fieldErrors,
  type AuditPage,
  type AuditRow,
  type AuditVerification,
} from '../../../../src/shared/admin-contract';
import { AUDIT_ACTION_LABELS, withoutCode } from '../../../../src/shared/vocabulary';
import { call, errorOf } from '../api';
import { DayField } from '../components/DayField';
import { Expandable } from '../components/Expandable';
import { ShortId } from '../components/ShortId';
import { Empty, FieldError, Loading, LoadProblem, Notice, Problem, TextField, useLoad } from '../components/ui';
import type { UrlState } from '../url-state';

type Option = { label: string; value: string };

/** Who an entry names when Jira no longer gives the account a name (the CSV keeps the account id). */
const UNKNOWN_PERSON = 'A Jira user';
type Filters = { requester?: Option | null; group?: Option | null; issueKey: string; fromDay: string; toDay: string };

const payloadOf = (f: Filters, cursor?: string) => ({
  ...(f.requester ? { requesterAccountId: f.requester.value } : {}),
  ...(f.group ? { groupId: f.group.value } : {}),
  ...(f.issueKey.trim() ? { issueKey: f.issueKey.trim() } : {}),
  ...(f.fromDay ? { fromDay: f.fromDay } : {}),
  ...(f.toDay ? { toDay: f.toDay } : {}),
  ...(cursor ? { cursor } : {}),
});

/** The applied filters as URL state (ids, not names: names are looked up again when the page opens). */
const urlStateOf = (f: Filters): UrlState => ({
  requester: f.requester?.value ?? '',
  group: f.group?.value ?? '',
  issue: f.issueKey.trim(),
  from: f.fromDay,
  to: f.toDay,
});

/** Filters from the URL; a select shows the id until the filter choices have loaded with its name. */
const filtersOf = (u: UrlState): Filters => ({
  ...(u.requester ? { requester: { value: u.requester, label: u.requester } } : {}),
  ...(u.group ? { group: { value: u.group, label: u.group } } : {}),
  issueKey: u.issue ?? '',
  fromDay: u.from ?? '',
  toDay: u.to ?? '',
});

/** Downloads exactly the rows on screen; the file name says when and how it was filtered. */
function download(rows: AuditRow[], f: Filters) {
  const csv = auditCsv(rows);
  const blob = new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  const parts = ['okta-jit-audit', f.fromDay || 'start', f.toDay || 'now', f.group?.label, f.issueKey.trim()]
    .filter(Boolean)
    .join('_')
    .replace(/[^A-Za-z0-9_.-]+/g, '-');
  a.href = url;
  a.download = `${parts}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AuditScreen({
  urlState = {},
  onApplied,
}: {
  /** Filters to open with (from the page's URL). */
  urlState?: UrlState;
  /** Told the filters each time a search is applied, to keep them in the URL. */
  onApplied?: (state: UrlState) => void;
}) {
  const options = useLoad(() => call(ADMIN_KEYS.auditOptions));
  const [filters, setFilters] = useState<Filters>(() => filtersOf(urlState));
  const [applied, setApplied] = useState<Filters>(filters);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [page, setPage] = useState<AuditPage | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState<'search' | 'more' | undefined>();
  const [firstLoad, setFirstLoad] = useState(true);
  const [verification, setVerification] = useState<AuditVerification | undefined>();
  const [verifying, setVerifying] = useState(false);
  async function verify() {
    setVerifying(true);
    try {
      setVerification(await call(ADMIN_KEYS.auditVerify));
    } catch (e) {
      setProblem(errorOf(e).message);
    } finally {
      setVerifying(false);
    }
  }
  useEffect(() => {
    void run(filters, undefined, true).finally(() => setFirstLoad(false));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  async function run(f: Filters, cursor?: string, initial = false) {
    const payload = payloadOf(f, cursor);
    const parsed = AuditQueryInput.safeParse(payload);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setProblem(undefined);
    if (!initial) setBusy(cursor ? 'more' : 'search');
    try {
      const next = await call(ADMIN_KEYS.auditQuery, payload);
      // A refused cursor restarts the list: replace what was shown rather than append to it.
      setPage((prev) =>
        cursor && prev && !next.restarted ? { rows: [...prev.rows, ...next.rows], cursor: next.cursor } : next,
      );
      setApplied(f);
      onApplied?.(urlStateOf(f));
    } catch (e) {
      setProblem(errorOf(e).message);
    } finally {
      setBusy(undefined);
    }
  }

  const reqOptions: Option[] = (options.data?.requesters ?? []).map((r) => ({ label: r.name, value: r.accountId }));
  const groupOptions: Option[] = (options.data?.groups ?? []).map((g) => ({ label: g.name, value: g.groupId }));
  // A filter opened from the URL carries only its id: show the name once the choices know it.
  const named = (o: Option | null | undefined, all: Option[]) =>
    o ? (all.find((x) => x.value === o.value) ?? o) : null;
  const rows = page?.rows ?? [];

  return (
    <div data-testid="audit-screen">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(filters);
        }}
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
          columnGap: token('space.200', '16px'),
          alignItems: 'start',
        }}
      >
        <div style={{ marginBottom: token('space.150', '12px') }}>
          <Label htmlFor="audit-requester">Requester</Label>
          <Select
            inputId="audit-requester"
            classNamePrefix="audit-requester"
            isClearable
            placeholder="Anyone"
            options={reqOptions}
            value={named(filters.requester, reqOptions)}
            isLoading={options.loading}
            onChange={(v) => setFilters({ ...filters, requester: v as Option | null })}
          />
          <FieldError id="requesterAccountId" error={errors.requesterAccountId} />
        </div>
        <div style={{ marginBottom: token('space.150', '12px') }}>
          <Label htmlFor="audit-group">Group</Label>
          <Select
            inputId="audit-group"
            classNamePrefix="audit-group"
            isClearable
            placeholder="Any group"
            options={groupOptions}
            value={named(filters.group, groupOptions)}
            isLoading={options.loading}
            onChange={(v) => setFilters({ ...filters, group: v as Option | null })}
          />
          <FieldError id="groupId" error={errors.groupId} />
        </div>
        <TextField
          id="issueKey"
          label="Issue"
          value={filters.issueKey}
          onChange={(v) => setFilters({ ...filters, issueKey: v })}
          error={errors.issueKey}
          placeholder="OPS-123"
        />
        <DayField
          id="fromDay"
          label="From (UTC day)"
          value={filters.fromDay}
          onChange={(v) => setFilters({ ...filters, fromDay: v })}
          error={errors.fromDay}
        />
        <DayField
          id="toDay"
          label="To (UTC day)"
          value={filters.toDay}
          onChange={(v) => setFilters({ ...filters, toDay: v })}
          error={errors.toDay}
        />
        <div style={{ paddingTop: 22, display: 'flex', gap: token('space.100', '8px') }}>
          <Button type="submit" appearance="primary" testId="apply-filters" isLoading={busy === 'search'}>
            Apply
          </Button>
          <Button
            appearance="subtle"
            onClick={() => {
              const cleared = { issueKey: '', fromDay: '', toDay: '' };
              setFilters(cleared);
              void run(cleared);
            }}
          >
            Clear
          </Button>
        </div>
      </form>
      {options.error && (
        <LoadProblem
          testId="audit-options-problem"
          title="Filter choices unavailable"
          message={options.error.message}
          onRetry={() => void options.reload()}
          busy={options.loading}
        />
      )}
      {problem && (
        <LoadProblem
          title="Could not load the audit trail"
          message={problem}
          onRetry={() => void run(applied)}
          busy={busy === 'search'}
        />
      )}
      {page?.restarted && (
        <p data-testid="audit-restarted" role="status">
          {page.restarted}
        </p>
      )}
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          margin: `${token('space.100', '8px')} 0`,
        }}
      >
        <span data-testid="audit-count">
          {rows.length} entr{rows.length === 1 ? 'y' : 'ies'} shown{page?.cursor ? ' (more available)' : ''}
        </span>
        <span style={{ display: 'flex', gap: token('space.100', '8px') }}>
          <Button testId="verify-audit" isLoading={verifying} onClick={() => void verify()}>
            Verify hash chain
          </Button>
          <Button testId="export-csv" isDisabled={rows.length === 0} onClick={() => download(rows, applied)}>
            Export CSV ({rows.length} rows)
          </Button>
        </span>
      </div>
      {verification &&
        (verification.intact ? (
          <Notice appearance="success" testId="audit-verified">
            {verification.message}
          </Notice>
        ) : (
          <Problem title="Audit trail altered" message={verification.message} testId="audit-broken" />
        ))}
      {firstLoad && !page ? (
        <Loading label="Loading the audit trail…" />
      ) : (
        page && (
          <div data-testid="audit-table" className="table-scroll">
            <DynamicTable
              testId="audit-dt"
              caption="Audit trail (newest first; times in UTC; the CSV keeps codes and ids as recorded)"
              head={{
                cells: [
                  '#',
                  'Time (UTC)',
                  'Action',
                  'Actor',
                  'Requester',
                  'Group',
                  'Issue',
                  'Detail',
                  'Okta request',
                ].map((c, i) => ({ key: `h${i}`, content: c })),
              }}
              rows={rows.map((r, i) => ({
                // A pending entry has no number yet (ADR 0019): keyed by its place in the list.
                key: r.pending ? `pending-${i}` : String(r.seq),
                testId: r.pending ? `audit-row-pending-${i}` : `audit-row-${r.seq}`,
                cells: [
                  { key: 'seq', content: r.pending ? 'pending' : r.seq },
                  {
                    key: 'at',
                    content: (
                      <span style={{ whiteSpace: 'nowrap' }}>{r.at.replace('T', ' ').replace(/\.\d+Z$/, '')}</span>
                    ),
                  },
                  { key: 'action', content: AUDIT_ACTION_LABELS[r.action] },
                  // An account Jira no longer names is said as such; its id stays in the CSV.
                  { key: 'actor', content: r.actorName ?? UNKNOWN_PERSON },
                  { key: 'req', content: r.requesterName ?? (r.requesterAccountId ? UNKNOWN_PERSON : '') },
                  {
                    key: 'group',
                    content: r.groupName ?? (r.groupId ? <ShortId id={r.groupId} label="Okta group id" /> : ''),
                  },
                  { key: 'issue', content: <span style={{ whiteSpace: 'nowrap' }}>{r.issueKey ?? ''}</span> },
                  {
                    key: 'detail',
                    content: (
                      <>
                        <span className="long-text" style={{ whiteSpace: 'pre-wrap' }}>
                          {r.detailWords ?? withoutCode(r.detail)}
                        </span>
                        {r.detailTechnical && (
                          <Expandable compact summary="Details" testId={`audit-details-${i}`}>
                            <small className="long-text">{r.detailTechnical}</small>
                          </Expandable>
                        )}
                      </>
                    ),
                  },
                  {
                    key: 'okta',
                    content: r.oktaRequestId ? <ShortId id={r.oktaRequestId} label="Okta request id" /> : '',
                  },
                ],
              }))}
              emptyView={<Empty>No audit entries match these filters.</Empty>}
            />
          </div>
        )
      )}
      {page?.cursor && (
        <Button testId="load-more" isLoading={busy === 'more'} onClick={() => void run(applied, page.cursor)}>
          Load more
        </Button>
      )}
    </div>
  );
}
