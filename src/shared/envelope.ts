/**
 * The one shape every resolver answers with (architecture.md rule 8). Error codes are stable strings
 * the UIs may branch on; messages are for people and never carry internals or secrets.
 */
/** `fields`: the message for each setting the error concerns (form field path → message), when it names any. */
/** `details`: technical particulars (Okta codes, request id) the UI shows only behind a "Details" toggle. */
export type ResolverError = { code: string; message: string; fields?: Record<string, string>; details?: string };
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ResolverError };

export const success = <T>(data: T): Envelope<T> => ({ ok: true, data });
export const failure = (
  code: string,
  message: string,
  fields?: Record<string, string>,
  details?: string,
): Envelope<never> => ({
  ok: false,
  error: {
    code,
    message,
    ...(fields && Object.keys(fields).length > 0 ? { fields } : {}),
    ...(details ? { details } : {}),
  },
});

/** Thrown by the UI-side unwrap so components handle one error type. */
export class ResolverCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Messages by form field, when the refusal concerns particular settings. */
    readonly fields: Record<string, string> = {},
    /** Technical particulars, for a "Details" toggle; undefined when there are none. */
    readonly details?: string,
  ) {
    super(message);
    this.name = 'ResolverCallError';
  }
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope && envelope.ok === true) return envelope.data;
  const err =
    envelope && envelope.ok === false
      ? envelope.error
      : { code: 'UI.BAD_RESPONSE', message: 'The app answered in an unexpected way. Reload and try again.' };
  throw new ResolverCallError(err.code, err.message, err.fields ?? {}, 'details' in err ? err.details : undefined);
}
