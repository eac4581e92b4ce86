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

const TABS = ['Dashboard', 'Okta connection', 'Allowlist', 'Policy', 'Audit', 'Diagnostics'] as const;

export function App() {
  const [state, setState] = useState<{
    loading: boolean;
    configured?: boolean;
    error?: { code: string; message: string };
    siteUrl?: string;
  }>({ loading: true });
  const [tab, setTab] = useState(0);

  const start = useCallback(async () => {
    setState({ loading: true });
    try {
      const [connection, ctx] = await Promise.all([call(ADMIN_KEYS.connectionGet), hostContext()]);
      setState({ loading: false, configured: connection.configured, siteUrl: ctx.siteUrl });
      // A fresh install starts where the admin must begin.
      if (!connection.configured) setTab(1);
    } catch (e) {
      setState({ loading: false, error: errorOf(e) });
    }
  }, []);
  useEffect(() => {
    void start();
  }, [start]);

  if (state.loading) return <Loading label="Loading Okta JIT Access…" />;
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
          <div style={{ paddingTop: token('space.200', '16px'), width: '100%' }}>{tab === 4 && <AuditScreen />}</div>
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
