/**
 * Use-case outcomes that people must see. A Refusal is an expected "no" with a stable code and a
 * message that says what happened and what to do; anything else thrown is a bug or an outage.
 */
export interface Refusal {
  ok: false;
  code: string;
  message: string;
  /** The message for each setting concerned (form field path → message), when the refusal names settings. */
  fields?: Record<string, string>;
  /** Technical particulars (Okta's codes, role names, request id) the page shows only behind "Details". */
  details?: string;
}
export const refuse = (code: string, message: string, fields?: Record<string, string>): Refusal =>
  fields && Object.keys(fields).length > 0 ? { ok: false, code, message, fields } : { ok: false, code, message };
/** A refusal whose technical particulars stay out of the message, shown on request. */
export const refuseWithDetails = (code: string, message: string, details: string | undefined): Refusal =>
  details ? { ok: false, code, message, details } : { ok: false, code, message };
export type Outcome<T = object> = ({ ok: true } & T) | Refusal;
