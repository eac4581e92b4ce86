/**
 * Diagnostics: the installation self-check (ADR 0014). What each check proved or saw, whether new
 * grants are paused, the report to send to support, and a run on demand.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import {
  ADMIN_KEYS,
  type DiagnosticsView,
  type SelfCheckCheckView,
  type SelfCheckRunView,
} from '../../../../src/shared/admin-contract';
import { call, errorOf } from '../api';
import { Empty, formatTime, Loading, LoadProblem, Notice, Problem, sectionStyle, useLoad } from '../components/ui';
import { Expandable } from '../components/Expandable';

const STATUS: Record<
  SelfCheckCheckView['status'],
  { label: string; appearance: 'success' | 'removed' | 'inprogress' | 'default' }
> = {
  pass: { label: 'pass', appearance: 'success' },
  fail: { label: 'fail', appearance: 'removed' },
  pending: { label: 'waiting', appearance: 'inprogress' },
  skipped: { label: 'not run', appearance: 'default' },
};

const TRIGGER = { installed: 'on install', upgraded: 'on upgrade', admin: 'from this page' } as const;

/** The run's verdict in one notice: paused grants first, then failures, then the wait for the queue. */
function Verdict({ run }: { run: SelfCheckRunView }) {
  if (run.grantsPaused)
    return (
      <Problem
        testId="self-check-verdict"
        title="New grants are paused"
        message={`${run.summary} A storage check failed: Forge storage does not behave as the app needs, so the app starts no new grant (requests wait, with the reason on the dashboard); revocations and expiries continue. Copy the report below and send it to support; run the self-check again once support says so.`}
      />
    );
  if (run.state === 'problem')
    return (
      <Notice appearance="warning" title="Some checks failed" testId="self-check-verdict">
        {run.summary} New grants are not paused (no storage check failed), but what failed below may stop parts of the
        app; each check says what it saw.
      </Notice>
    );
  if (run.state === 'pending')
    return (
      <Notice appearance="information" title="Waiting for the delayed queue event" testId="self-check-verdict">
        {run.summary} The queue check passes when its event arrives (about 10 seconds after the run): use Refresh.
      </Notice>
    );
  return (
    <Notice appearance="success" title="Every check passed" testId="self-check-verdict">
      {run.summary}
    </Notice>
  );
}

function Checks({ run }: { run: SelfCheckRunView }) {
  const rows = run.checks.map((c) => ({
    key: c.id,
    testId: `check-${c.id}`,
    cells: [
      {
        key: 'status',
        content: (
          <span data-testid={`check-status-${c.id}`} data-status={c.status}>
            <Lozenge appearance={STATUS[c.status].appearance} isBold={c.status === 'fail'}>
              {STATUS[c.status].label}
            </Lozenge>
          </span>
        ),
      },
      {
        key: 'check',
        content: (
          <span>
            {c.title}
            <br />
            <small style={{ color: token('color.text.subtle', '#505F79') }}>{c.reliesOn}</small>
          </span>
        ),
      },
      {
        key: 'saw',
        content: (
          <span data-testid={`check-saw-${c.id}`}>
            <small>{c.saw}</small>
            {c.details && c.details.length > 0 && (
              <Expandable compact testId={`check-details-${c.id}`} summary={<small>Details</small>}>
                <ul style={{ margin: 0 }}>
                  {c.details.map((d, i) => (
                    <li key={i}>
                      <small>{d}</small>
                    </li>
                  ))}
                </ul>
              </Expandable>
            )}
          </span>
        ),
      },
    ],
  }));
  return (
    <div data-testid="checks-table" className="table-scroll">
      <DynamicTable
        testId="checks-dt"
        caption="Each check, what the app relies on it for, and what it saw"
        head={{ cells: ['Result', 'Check', 'What it saw'].map((c, i) => ({ key: `c${i}`, content: c })) }}
        rows={rows}
      />
    </div>
  );
}

function SupportReport({ run }: { run: SelfCheckRunView }) {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  async function copy() {
    try {
      await navigator.clipboard.writeText(run.supportReport);
      setCopied('yes');
    } catch {
      // The host page may not let the frame use the clipboard: the text is there to select by hand.
      setCopied('no');
    }
  }
  return (
    // Opens by itself when a run finds a problem (the key applies the new default), as <details open> did.
    <Expandable
      key={run.state === 'problem' ? 'problem' : 'fine'}
      defaultOpen={run.state === 'problem'}
      style={sectionStyle}
      testId="support-report-section"
      summary={<strong>Report for support</strong>}
    >
      <p style={{ maxWidth: 720 }}>
        What the self-check ran and saw, without names, credentials or your Okta org. Send it with your support request.
      </p>
      <pre
        data-testid="support-report"
        style={{
          whiteSpace: 'pre-wrap',
          background: token('color.background.neutral', '#F4F5F7'),
          padding: token('space.150', '12px'),
          borderRadius: 4,
          maxWidth: 960,
        }}
      >
        {run.supportReport}
      </pre>
      <Button testId="copy-report" onClick={() => void copy()}>
        Copy report
      </Button>{' '}
      {copied === 'yes' && <small data-testid="copied">Copied.</small>}
      {copied === 'no' && <small data-testid="copied">Could not copy here: select the text above and copy it.</small>}
    </Expandable>
  );
}

export function DiagnosticsScreen() {
  const loaded = useLoad(() => call(ADMIN_KEYS.diagnosticsGet));
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string | undefined>();

  async function run() {
    setRunning(true);
    setRunError(undefined);
    try {
      loaded.setData(await call(ADMIN_KEYS.diagnosticsRun));
    } catch (e) {
      setRunError(errorOf(e).message);
    } finally {
      setRunning(false);
    }
  }

  if (loaded.loading && !loaded.data) return <Loading label="Loading the self-check…" />;
  if (loaded.error && !loaded.data)
    return (
      <LoadProblem
        title="Could not load the self-check"
        message={loaded.error.message}
        onRetry={() => void loaded.reload()}
        busy={loaded.loading}
      />
    );
  const view: DiagnosticsView = loaded.data!;
  const last = view.lastRun;
  return (
    <div data-testid="diagnostics-screen">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
        <h3 style={{ margin: 0 }}>Self-check</h3>
        <span style={{ display: 'flex', gap: 8 }}>
          <Button testId="refresh-diagnostics" isDisabled={running} onClick={() => void loaded.reload()}>
            Refresh
          </Button>
          <Button appearance="primary" testId="run-self-check" isLoading={running} onClick={() => void run()}>
            Run self-check
          </Button>
        </span>
      </div>
      <p style={{ maxWidth: 720 }}>
        On install, on upgrade and when you run it here, the app checks on this site what it cannot check anywhere else:
        how Forge storage answers the writes its correctness rests on, that a delayed queue event arrives, that Jira
        lists its fields and lets it make every call it makes, and (once connected) the Okta reads it needs.
      </p>
      {runError && <Problem testId="run-problem" title="The self-check did not run" message={runError} />}
      {loaded.error && (
        <LoadProblem
          title="Could not refresh: this is the last result loaded"
          message={loaded.error.message}
          onRetry={() => void loaded.reload()}
          busy={loaded.loading}
        />
      )}
      {!last ? (
        <Empty>The self-check has not run yet on this site. Use Run self-check.</Empty>
      ) : (
        <>
          <p data-testid="self-check-ran">
            <small>
              Ran {TRIGGER[last.trigger]}
              {last.actorName ? ` by ${last.actorName}` : ''}, {formatTime(last.startedAt)}
              {last.appVersion ? ` · app version ${last.appVersion}` : ''} · run {last.runId}
            </small>
          </p>
          <Verdict run={last} />
          <Checks run={last} />
          <SupportReport run={last} />
        </>
      )}
    </div>
  );
}
