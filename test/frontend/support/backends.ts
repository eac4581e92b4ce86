/**
 * The backend for the UI Kit harness: the real UI resolver running on the sandbox, invoked the way the
 * platform invokes it, with the viewer as principal and the module's product context.
 */
import type { Sandbox } from '../../../sandbox';
import type { UiBackend } from './forge-ui';

export interface Where {
  moduleKey: 'access-panel' | 'access-type' | 'admin-group';
  issue?: { id: string; key: string };
  projectKey?: string;
  fieldValue?: unknown;
  renderContext?: 'issue-view' | 'issue-create';
}

const MODULE_TYPE = {
  'access-panel': 'jira:issuePanel',
  'access-type': 'jira:customField',
  'admin-group': 'jira:customField',
} as const;

function extensionOf(w: Where): Record<string, unknown> {
  return {
    ...(w.issue ? { issue: { ...w.issue, type: 'Task', typeId: '10001' } } : {}),
    project: { id: '10000', key: w.projectKey ?? 'ACC', type: 'software' },
    ...(w.moduleKey !== 'access-panel'
      ? { fieldValue: w.fieldValue ?? null, fieldType: 'string', renderContext: w.renderContext ?? 'issue-view' }
      : {}),
  };
}

function productContext(accountId: string, timezone: string, w: Where) {
  return {
    accountId,
    cloudId: 'sandbox-cloud',
    moduleKey: w.moduleKey,
    localId: `local-${w.moduleKey}`,
    locale: 'en-GB',
    timezone,
    siteUrl: 'https://sandbox.atlassian.net',
    environmentId: 'sandbox-env',
    environmentType: 'DEVELOPMENT',
    extension: { type: MODULE_TYPE[w.moduleKey], ...extensionOf(w) },
  };
}

export function sandboxBackend(sb: Sandbox, accountId: string, w: Where): UiBackend {
  const tz = sb.jira.user(accountId)?.timeZone ?? 'UTC';
  return {
    invoke: (functionKey, payload) => sb.app.invoke(functionKey, payload, { accountId, extension: extensionOf(w) }),
    context: () => productContext(accountId, tz, w),
  };
}
