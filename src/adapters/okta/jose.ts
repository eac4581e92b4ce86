/**
 * `jose` v6 is ESM-only. The adapter imports it on first use (every caller is already async): the
 * Forge bundle and Node ≥ 20.19 load it as they load any module. A test runner whose CommonJS module
 * registry cannot evaluate ES modules (Jest) is given Node's own copy by the sandbox
 * (sandbox/okta/jose.ts), so nothing here knows about tests.
 */
import type * as JoseModule from 'jose';

export type { CryptoKey, JWK } from 'jose';

let loading: Promise<typeof JoseModule> | undefined;

export function loadJose(): Promise<typeof JoseModule> {
  loading ??= import('jose');
  return loading;
}
