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
}
export const refuse = (code: string, message: string, fields?: Record<string, string>): Refusal =>
  fields && Object.keys(fields).length > 0 ? { ok: false, code, message, fields } : { ok: false, code, message };
export type Outcome<T = object> = ({ ok: true } & T) | Refusal;
