/**
 * Okta work runs in lanes: a grant's Okta work (grant, revoke, expire) always runs in the same lane, one
 * piece at a time per lane, so two deliveries of one grant's work never race, and the lanes are the
 * installation's cap on Okta calls in flight (each piece has at most one call in flight). Okta limits
 * simultaneous requests per org (75 for Workforce and Customer Identity orgs, 35 on the free plan:
 * developer.okta.com/docs/reference/rl2-concurrency), shared with every other client of the org; 30 keeps
 * us well under it while still outrunning the org's per-minute limit at 100 ms a remote call (ADR 0029).
 * The queue adapter turns a lane into the event's concurrency key; the sweep packs due expiries of one
 * lane into one event (ADR 0031), which is why the lane is the app's to know.
 */
import { createHash } from 'node:crypto';

export const OKTA_LANES = 30;

export const oktaLaneOf = (grantId: string): number =>
  createHash('sha256').update(grantId).digest().readUInt32BE(0) % OKTA_LANES;
