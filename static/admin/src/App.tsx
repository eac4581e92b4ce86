import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ADMIN_ERRORS, ADMIN_KEYS } from '../../../src/shared/admin-contract';
import { call, errorOf, hostContext } from './api';
import { Loading, LoadProblem, Notice, Problem } from './components/ui';
import { AllowlistScreen } from './screens/AllowlistScreen';
import { AuditScreen } from './screens/AuditScreen';
import { ConnectionScreen } from './screens/ConnectionScreen';
import { DashboardScreen } from './screens/DashboardScreen';
import { DiagnosticsScreen } from './screens/DiagnosticsScreen';
import { PolicyScreen } from './screens/PolicyScreen';
import { SetupChecklist } from './components/SetupChecklist';
import { UnsavedScope, useUnsavedTabs } from './unsaved';
import { queryForTab, rememberQuery, useUrlState, type TabQueries, type UrlState } from './url-state';

const TABS = ['Dashboard', 'Okta connection', 'Allowlist', 'Policy', 'Audit', 'Diagnostics'] as const;
/** Each tab's name in the URL (`?tab=audit`), in TABS order. */
export const TAB_SLUGS = ['dashboard', 'connection', 'allowlist', 'policy', 'audit', 'diagnostics'] as const;
export type TabSlug = (typeof TAB_SLUGS)[number];
const indexOf = (slug: string | undefined): number | undefined => {
  const i = TAB_SLUGS.indexOf(slug as TabSlug);
  return i < 0 ? undefined : i;
};

/** Off screen but read by screen readers: the tab's name says it has unsaved changes, not only the dot. */
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

/** A tab's label while its screen holds unsaved edits: "Policy •", announced "Policy, unsaved changes". */
function UnsavedLabel({ name }: { name: string }) {
  return (
    // Two copies rather than a hidden suffix: an off-screen span is a block of its own to the name
    // computation, which would read "Policy , unsaved changes".
    <span data-testid="unsaved-marker">
      <span aria-hidden="true" title="Unsaved changes">
        {name} •
      </span>
      <span style={visuallyHidden}>{name}, unsaved changes</span>
    </span>
  );
}

export function App() {
  const [state, setState] = useState<{
    loading: boolean;
    configured?: boolean;
    error?: { code: string; message: string };
    siteUrl?: string;
  }>({ loading: true });
  const url = useUrlState();
  const unsaved = useUnsavedTabs();
  // The tab lives in the URL; a URL without one opens the dashboard, or the connection tab on a fresh
  // install (decided once, at start: saving the connection must not move the admin off the tab).
  const [startTab, setStartTab] = useState(0);
  const tab = indexOf(url.state.tab) ?? startTab;
  // Each tab's last query: a tab opened again by click (or a link) comes back as it was left, its
  // filters in the URL again. Back/Forward need nothing extra: every tab change is its own entry.
  const queries = useRef<TabQueries>({});
  useEffect(() => {
    queries.current = rememberQuery(queries.current, TAB_SLUGS[tab]!, url.state);
  }, [tab, url.state]);
  const setTab = useCallback(
    (i: number, extra: UrlState = {}) => {
      const slug = TAB_SLUGS[i]!;
      url.push(Object.keys(extra).length > 0 ? { tab: slug, ...extra } : queryForTab(queries.current, slug));
    },
    [url],
  );

  const start = useCallback(async () => {
    setState({ loading: true });
    try {
      const [connection, ctx] = await Promise.all([call(ADMIN_KEYS.connectionGet), hostContext()]);
      setState({ loading: false, configured: connection.configured, siteUrl: ctx.siteUrl });
      setStartTab(connection.configured ? 0 : 1);
    } catch (e) {
      setState({ loading: false, error: errorOf(e) });
    }
  }, []);
  useEffect(() => {
    void start();
  }, [start]);

  /**
   * A tab's screen is mounted while its tab is shown, and stays mounted (hidden by its TabPanel) while
   * it holds unsaved edits, so they are there as left when the admin comes back (ADR 0030). A clean
   * screen unmounts as the admin leaves, and reads fresh data when opened again.
   */
  const panel = (i: number, screen: ReactNode) => {
    const slug = TAB_SLUGS[i]!;
    return (
      <TabPanel>
        <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
          {(tab === i || unsaved.dirtyTabs.has(slug)) && (
            <UnsavedScope tab={slug} report={unsaved.report}>
              {screen}
            </UnsavedScope>
          )}
        </div>
      </TabPanel>
    );
  };

  if (state.loading || !url.ready) return <Loading label="Loading Okta JIT Access…" />;
  if (state.error) {
    return state.error.code === ADMIN_ERRORS.notAdmin ? (
      <Problem testId="not-admin" title="Only Jira administrators can use this page" message={state.error.message} />
    ) : (
      <LoadProblem title="The admin page could not start" message={state.error.message} onRetry={() => void start()} />
    );
  }

  return (
    <main style={{ padding: token('space.300', '24px'), maxWidth: 1200 }}>
      <h1 style={{ marginTop: 0 }}>Okta JIT Access</h1>
      {!state.configured && tab !== 1 && (
        <Notice appearance="warning" testId="not-configured">
          Okta is not connected yet: nothing can be granted until it is. Open the Okta connection tab.
        </Notice>
      )}
      <Tabs id="admin-tabs" selected={tab} onChange={(i) => setTab(i)}>
        <TabList>
          {TABS.map((t, i) => (
            <Tab key={t} testId={`tab-${t.toLowerCase().replace(/\s+/g, '-')}`}>
              {unsaved.dirtyTabs.has(TAB_SLUGS[i]!) ? <UnsavedLabel name={t} /> : t}
            </Tab>
          ))}
        </TabList>
        {panel(
          0,
          <>
            <SetupChecklist onOpenTab={(t) => setTab(TAB_SLUGS.indexOf(t))} />
            <DashboardScreen
              siteUrl={state.siteUrl}
              onOpenConnection={() => setTab(1)}
              onOpenDiagnostics={() => setTab(5)}
              onOpenTab={(t) => setTab(t === 'allowlist' ? 2 : t === 'policy' ? 3 : 1)}
            />
          </>,
        )}
        {panel(1, <ConnectionScreen onSaved={(v) => setState((s) => ({ ...s, configured: v.configured }))} />)}
        {panel(2, <AllowlistScreen />)}
        {panel(3, <PolicyScreen />)}
        {panel(4, <AuditScreen urlState={url.state} onApplied={(f) => url.replace({ tab: 'audit', ...f })} />)}
        {panel(5, <DiagnosticsScreen />)}
      </Tabs>
    </main>
  );
}
