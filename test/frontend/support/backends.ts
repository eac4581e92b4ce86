/**
 * Backends for the UI Kit harness: the real UI resolver running on the sandbox, invoked the way the
 * platform invokes it, with the viewer as principal and the module's product context; or a scripted
 * resolver answering fixture data (for screens whose server side is not there yet, or states that are
 * awkward to reach).
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

/** What a scripted resolver answers one call with: data, or a refusal (a stable code and words for people). */
export type ScriptedAnswer = { data: unknown } | { error: { code: string; message: string } };

/**
 * A resolver answering each call with what `answer` says, wrapped in the envelope the real one uses
 * (and cloned, as the bridge serialises it). The context is the panel's on issue ACC-7 unless told.
 */
export function scriptedBackend(
  answer: (functionKey: string, payload: unknown) => ScriptedAnswer | Promise<ScriptedAnswer>,
  viewer: { accountId: string; timeZone: string } = { accountId: 'viewer', timeZone: 'UTC' },
  w: Where = { moduleKey: 'access-panel', issue: { id: '10007', key: 'ACC-7' } },
): UiBackend {
  return {
    invoke: async (functionKey, payload) => {
      const a = await answer(functionKey, payload);
      return structuredClone('data' in a ? { ok: true, data: a.data } : { ok: false, error: a.error });
    },
    context: () => productContext(viewer.accountId, viewer.timeZone, w),
  };
}
