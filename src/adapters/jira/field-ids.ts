/**
 * Finds the Jira field ids the app needs. The app's own fields (manifest `jira:customField` modules
 * `access-type` and `admin-group`) are matched by `schema.custom`, which Jira sets to
 * `ari:cloud:ecosystem::extension/{appId}/{environmentId}/static/{moduleKey}` — their
 * `customfield_NNNNN` ids differ per site and are never hard-coded. The duration field is the one the
 * admin names (default "Change type"), and "Requested end" is optional; both are matched by name.
 *
 * appId/environmentId come from `getAppContext()` (`appAri.appId`, `environmentAri.environmentId`).
 * A `FieldCatalog` caches the field list per installation for a short TTL; the composition root keeps
 * one per function instance, so one invocation (and a warm instance's next few) reads it once, while a
 * renamed or recreated field is picked up within a minute.
 */
import { getAppContext, route } from '@forge/api';
import type { Clock } from '../../app/ports';
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
  /** The change window's date-time fields, named by id in the policy (never discovered by name). */
  plannedStart?: string;
  plannedEnd?: string;
}

export const extensionAri = (appId: string, environmentId: string, moduleKey: string): string =>
  `ari:cloud:ecosystem::extension/${appId}/${environmentId}/static/${moduleKey}`;

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** Picks a field by name; custom fields win over system ones, and selects/strings over other types. */
export function fieldByName(fields: JiraField[], name: string): JiraField | undefined {
  const matches = fields.filter((f) => sameName(f.name, name));
  const rank = (f: JiraField) =>
    (f.custom ? 0 : 2) + (['option', 'string', 'datetime', 'date'].includes(f.schema?.type ?? '') ? 0 : 1);
  return matches.sort((a, b) => rank(a) - rank(b))[0];
}

/** The site's fields, cached per installation for `TTL_MS` (field ids differ per site). */
export class FieldCatalog {
  private cache: { key: string; at: number; fields: JiraField[] } | undefined;

  constructor(private readonly clock: Clock) {}

  async discover(durationFieldName: string): Promise<FieldIds> {
    const ctx = getAppContext();
    const appId = ctx.appAri.appId;
    const environmentId = ctx.environmentAri.environmentId;
    const fields = await this.list(`${appId}/${environmentId}/${ctx.installationAri.installationId}`);
    const byModule = (moduleKey: string) =>
      fields.find((f) => f.schema?.custom === extensionAri(appId, environmentId, moduleKey))?.id;
    return {
      accessType: byModule(ACCESS_TYPE_MODULE),
      adminGroup: byModule(ADMIN_GROUP_MODULE),
      duration: durationFieldName ? fieldByName(fields, durationFieldName)?.id : undefined,
      requestedEnd: fieldByName(fields, REQUESTED_END_FIELD_NAME)?.id,
    };
  }

  private async list(key: string): Promise<JiraField[]> {
    const nowMs = Date.parse(this.clock.now());
    // A clock that went backwards cannot vouch for the cache's age.
    if (this.cache && this.cache.key === key && nowMs >= this.cache.at && nowMs - this.cache.at < TTL_MS)
      return this.cache.fields;
    const res = await jiraRequest<JiraField[]>({ as: 'app' }, 'GET', route`/rest/api/3/field`, {
      operation: 'listing Jira fields',
      clock: this.clock,
    });
    const fields = Array.isArray(res.body)
      ? res.body.filter((f) => f && typeof f.id === 'string' && typeof f.name === 'string')
      : [];
    this.cache = { key, at: nowMs, fields };
    return fields;
  }
}
