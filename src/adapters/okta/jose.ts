/**
 * Loads `jose` (v6, ESM-only) so that it works in every place this adapter runs:
 * - the Forge bundle and tsx/node ≥ 20.19: a plain `require('jose')` (the bundler resolves it
 *   statically; Node can require() ES modules);
 * - Jest, whose CommonJS module registry cannot evaluate ESM: that `require` throws, and jose is
 *   then loaded with Node's own require, reached through `process.getBuiltinModule` (Jest replaces
 *   `module.createRequire`). Either way it is the same jose API.
 */
import type * as JoseModule from 'jose';

type NodeModuleApi = typeof import('node:module');

function loadJose(): typeof JoseModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('jose') as typeof JoseModule;
  } catch (e) {
    const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    if (typeof getBuiltin !== 'function') throw e;
    const nodeModule = getBuiltin.call(process, 'node:module') as NodeModuleApi;
    return nodeModule.createRequire(__filename)('jose') as typeof JoseModule;
  }
}

export const jose: typeof JoseModule = loadJose();
export type { CryptoKey, JWK } from 'jose';
