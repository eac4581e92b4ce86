/**
 * Finds the Jira field ids the app needs. The app's own fields (manifest `jira:customField` modules
 * `access-type` and `admin-group`) are matched by `schema.custom`, which Jira sets to
 * `ari:cloud:ecosystem::extension/{appId}/{environmentId}/static/{moduleKey}` — their
 * `customfield_NNNNN` ids differ per site and are never hard-coded. The duration field is the one the
 * admin names (default "Change type"), and "Requested end" is optional; both are matched by name.
 *
 * appId/environmentId come from `getAppContext()` (`appAri.appId`, `environmentAri.environmentId`).
 * The field list is cached per app environment for a short TTL, so one invocation (and a warm
 * instance's next few) reads it once, while a renamed or recreated field is picked up within a minute.
 */
import { getAppContext, route } from '@forge/api';
import { jiraRequest } from './jira-http';

export const ACCESS_TYPE_MODULE = 'access-type';
export const ADMIN_GROUP_MODULE = 'admin-group';
export const REQUESTED_END_FIELD_NAME = 'Requested end';
const TTL_MS = 60_000;

export interface JiraField {
  id: string;
  key?: string;
  name: string;
  custom: boolean;
  schema?: { type?: string; custom?: string; customId?: number; system?: string };
}

export interface FieldIds {
  accessType?: string;
  adminGroup?: string;
  /** The admin-named duration field (e.g. Change type). */
  duration?: string;
  requestedEnd?: string;
}

let cache: { key: string; at: number; fields: JiraField[] } | undefined;

/** Forgets the cached field list (tests; an admin who just renamed a field). */
export function clearFieldIdCache(): void {
  cache = undefined;
}

export const extensionAri = (appId: string, environmentId: string, moduleKey: string): string =>
  `ari:cloud:ecosystem::extension/${appId}/${environmentId}/static/${moduleKey}`;

async function listFields(appId: string, environmentId: string, nowMs: number): Promise<JiraField[]> {
  const key = `${appId}/${environmentId}`;
  if (cache && cache.key === key && nowMs - cache.at < TTL_MS) return cache.fields;
  const res = await jiraRequest<JiraField[]>({ as: 'app' }, 'GET', route`/rest/api/3/field`, { operation: 'listing Jira fields' });
  const fields = Array.isArray(res.body) ? res.body.filter((f) => f && typeof f.id === 'string' && typeof f.name === 'string') : [];
  cache = { key, at: nowMs, fields };
  return fields;
}

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** Picks a field by name; custom fields win over system ones, and selects/strings over other types. */
export function fieldByName(fields: JiraField[], name: string): JiraField | undefined {
  const matches = fields.filter((f) => sameName(f.name, name));
  const rank = (f: JiraField) => (f.custom ? 0 : 2) + (['option', 'string', 'datetime', 'date'].includes(f.schema?.type ?? '') ? 0 : 1);
  return matches.sort((a, b) => rank(a) - rank(b))[0];
}

export async function discoverFieldIds(durationFieldName: string, nowMs: number = Date.now()): Promise<FieldIds> {
  const ctx = getAppContext();
  const appId = ctx.appAri.appId;
  const environmentId = ctx.environmentAri.environmentId;
  const fields = await listFields(appId, environmentId, nowMs);
  const byModule = (moduleKey: string) => fields.find((f) => f.schema?.custom === extensionAri(appId, environmentId, moduleKey))?.id;
  return {
    accessType: byModule(ACCESS_TYPE_MODULE),
    adminGroup: byModule(ADMIN_GROUP_MODULE),
    duration: durationFieldName ? fieldByName(fields, durationFieldName)?.id : undefined,
    requestedEnd: fieldByName(fields, REQUESTED_END_FIELD_NAME)?.id,
  };
}
