/**
 * The admin use cases' world, built on the shared in-memory ports (test/fakes): one Jira admin, one
 * ordinary user, and Okta groups of every kind the allowlist must tell apart.
 */
import type { AppDeps } from '../../src/app/deps';
import { DirectoryError, type OktaConnection, type OktaSecrets } from '../../src/app/ports';
import { makeDeps } from '../fakes';

export const ADMIN = 'acc-admin';
export const USER = 'acc-neville';
export const G = {
  linux: '00gLINUXSYSADMIN0001',
  windows: '00gWINDOWSADMIN00002',
  superAdmins: '00gSUPERADMINS000003',
  appGroup: '00gAPPGROUPSALES0004',
  ruled: '00gRULEDENGINEERS005',
} as const;

export const API_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
export const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';

export function adminWorld(start?: string) {
  const w = makeDeps(start);
  w.config.connection = undefined;
  w.config.secrets = {};
  w.jira.users.set(ADMIN, { accountId: ADMIN, displayName: 'Ada Admin', timeZone: 'UTC', admin: true });
  w.jira.users.set(USER, { accountId: USER, displayName: 'Neville Newadmin', email: 'neville.newadmin@atko.email', timeZone: 'Europe/London' });
  const d = w.directory;
  d.groups.set(G.linux, { id: G.linux, name: 'PAM Linux Sysadmins', type: 'OKTA_GROUP' });
  d.groups.set(G.windows, { id: G.windows, name: 'PAM Windows Admins', type: 'OKTA_GROUP' });
  d.groups.set(G.superAdmins, { id: G.superAdmins, name: 'PAM Super Admins', type: 'OKTA_GROUP', adminRole: true });
  d.groups.set(G.appGroup, { id: G.appGroup, name: 'PAM Salesforce Users', type: 'APP_GROUP' });
  d.groups.set(G.ruled, { id: G.ruled, name: 'PAM Engineers (rule)', type: 'OKTA_GROUP', ruleTargeted: true });

  /** What each Test connection was asked to use; the next answer (or failure) is programmable. */
  const tested: Array<{ connection: OktaConnection; secrets: OktaSecrets }> = [];
  let nextTest: { orgName: string; missingScopes: string[] } | DirectoryError = { orgName: 'Atko', missingScopes: [] };
  const app: AppDeps = {
    ...w.app,
    directoryFor: (connection, secrets) => {
      tested.push({ connection, secrets });
      // Same groups and users as the stored directory; only the test answer is programmable.
      return Object.assign(Object.create(d), { testConnection: async () => { if (nextTest instanceof DirectoryError) throw nextTest; return nextTest; } }) as typeof d;
    },
  };
  return {
    ...w,
    app,
    tested,
    answerTest(a: typeof nextTest) { nextTest = a; },
    connect() { w.config.connection = { domain: 'atko.okta.com', auth: { method: 'api-token' } }; w.config.secrets = { apiToken: API_TOKEN }; },
  };
}
