/**
 * The one place the page talks to its resolvers: call a key, unwrap the envelope. Components see
 * data or a ResolverCallError with a stable code and a message for people.
 */
import { invoke, view } from '@forge/bridge';
import type { AdminKey, AdminPayload, AdminResponses } from '../../../src/shared/admin-contract';
import { ResolverCallError, unwrap, type Envelope } from '../../../src/shared/envelope';

export { ResolverCallError };

export async function call<K extends AdminKey>(key: K, payload?: AdminPayload<K>): Promise<AdminResponses[K]> {
  let envelope: Envelope<AdminResponses[K]>;
  try {
    envelope = (await invoke(key, (payload ?? {}) as Record<string, unknown>)) as Envelope<AdminResponses[K]>;
  } catch {
    // The bridge itself failed (network, rate limit, resolver crashed): nothing in it is for people.
    throw new ResolverCallError(
      'UI.UNREACHABLE',
      'The app did not answer. Check your connection and try again; if it keeps happening, reload the page.',
    );
  }
  return unwrap(envelope);
}

/** The error for people; `fields`: its message for each form field it concerns (empty when none). */
export const errorOf = (
  e: unknown,
): { code: string; message: string; fields: Record<string, string>; details?: string } =>
  e instanceof ResolverCallError
    ? { code: e.code, message: e.message, fields: e.fields, ...(e.details ? { details: e.details } : {}) }
    : { code: 'UI.ERROR', message: 'Something went wrong on this page. Reload and try again.', fields: {} };

export interface HostContext {
  siteUrl?: string;
}

export async function hostContext(): Promise<HostContext> {
  try {
    const ctx = (await view.getContext()) as { siteUrl?: string };
    return { siteUrl: ctx?.siteUrl };
  } catch {
    return {};
  }
}
