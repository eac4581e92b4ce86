import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useState } from 'react';
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
import { useUrlState, type UrlState } from './url-state';

const TABS = ['Dashboard', 'Okta connection', 'Allowlist', 'Policy', 'Audit', 'Diagnostics'] as const;
/** Each tab's name in the URL (`?tab=audit`), in TABS order. */
export const TAB_SLUGS = ['dashboard', 'connection', 'allowlist', 'policy', 'audit', 'diagnostics'] as const;
export type TabSlug = (typeof TAB_SLUGS)[number];
const indexOf = (slug: string | undefined): number | undefined => {
  const i = TAB_SLUGS.indexOf(slug as TabSlug);
  return i < 0 ? undefined : i;
};

export function App() {
  const [state, setState] = useState<{
    loading: boolean;
    configured?: boolean;
    error?: { code: string; message: string };
    siteUrl?: string;
  }>({ loading: true });
  const url = useUrlState();
  // The tab lives in the URL; a URL without one opens the dashboard, or the connection tab on a fresh
  // install (decided once, at start: saving the connection must not move the admin off the tab).
  const [startTab, setStartTab] = useState(0);
  const tab = indexOf(url.state.tab) ?? startTab;
  const setTab = useCallback((i: number, extra: UrlState = {}) => url.push({ tab: TAB_SLUGS[i]!, ...extra }), [url]);

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
          {TABS.map((t) => (
            <Tab key={t} testId={`tab-${t.toLowerCase().replace(/\s+/g, '-')}`}>
              {t}
            </Tab>
          ))}
        </TabList>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
            {tab === 0 && <SetupChecklist onOpenTab={(t) => setTab(TAB_SLUGS.indexOf(t))} />}
            {tab === 0 && (
              <DashboardScreen
                siteUrl={state.siteUrl}
                onOpenConnection={() => setTab(1)}
                onOpenDiagnostics={() => setTab(5)}
                onOpenTab={(t) => setTab(t === 'allowlist' ? 2 : t === 'policy' ? 3 : 1)}
              />
            )}
          </div>
        </TabPanel>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
            {tab === 1 && <ConnectionScreen onSaved={(v) => setState((s) => ({ ...s, configured: v.configured }))} />}
          </div>
        </TabPanel>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
            {tab === 2 && <AllowlistScreen />}
          </div>
        </TabPanel>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>{tab === 3 && <PolicyScreen />}</div>
        </TabPanel>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
            {tab === 4 && <AuditScreen urlState={url.state} onApplied={(f) => url.replace({ tab: 'audit', ...f })} />}
          </div>
        </TabPanel>
        <TabPanel>
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>
            {tab === 5 && <DiagnosticsScreen />}
          </div>
        </TabPanel>
      </Tabs>
    </main>
  );
}
