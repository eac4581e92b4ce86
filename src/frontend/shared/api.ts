/**
 * The one place the UI Kit resources call the backend: `invoke` through the Forge bridge, then the
 * envelope unwrapped, so components handle a single error type (ResolverCallError) with a message
 * written for people.
 */
import { invoke } from '@forge/bridge';
import { ResolverCallError, unwrap, type Envelope } from '../../shared/envelope';
import type { UiKey } from '../../shared/panel-contract';

export async function call<T>(key: UiKey, payload: Record<string, unknown> = {}): Promise<T> {
  let envelope: Envelope<T>;
  try {
    // Without metadata the bridge answers with the resolver's return value itself; unwrap checks its shape.
    envelope = (await invoke<Envelope<T>>(key, payload)) as Envelope<T>;
  } catch {
    // The bridge or the function failed outright (timeout, deploy in progress): nothing to show but this.
    throw new ResolverCallError(
      'UI.UNAVAILABLE',
      'The Okta access app did not answer. Try again in a moment; if it keeps failing, tell your Jira admin.',
    );
  }
  return unwrap(envelope);
}

export const messageOf = (e: unknown): string =>
  e instanceof ResolverCallError
    ? e.message
    : 'Something went wrong in the Okta access app. Reload the issue and try again.';

/** The stable code of a refusal (UI_ERRORS), to branch on; never shown to people. */
export const codeOf = (e: unknown): string | undefined => (e instanceof ResolverCallError ? e.code : undefined);
