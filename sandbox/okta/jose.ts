/**
 * `jose` v6 is ESM-only. Jest here runs code as CommonJS through its own module registry, which
 * cannot load ESM ("Cannot use import statement outside a module") and also replaces
 * `module.createRequire`. So jose is loaded with Node's own require, reached through
 * `process.getBuiltinModule` (Node >= 20.16; Node >= 20.19 can require() ES modules). Under tsx/node
 * this is the same module instance as `import ... from 'jose'`.
 *
 * Under Jest this module also hands that copy to Jest's registry, so the app's own `import('jose')`
 * (src/adapters/okta/jose.ts) works in tests without a test-only branch in production code. Every
 * test that lets the app sign a JWT runs the Okta emulator, which loads this module first.
 */
import type * as JoseModule from 'jose';

type NodeModuleApi = typeof import('node:module');

function loadJose(): typeof JoseModule {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== 'function')
    throw new Error('The sandbox needs Node >= 20.19 (process.getBuiltinModule and require() of ES modules).');
  const nodeModule = getBuiltin.call(process, 'node:module') as NodeModuleApi;
  return nodeModule.createRequire(__filename)('jose');
}

export const jose: typeof JoseModule = loadJose();
export type { JWK, CryptoKey } from 'jose';

if (typeof jest !== 'undefined') jest.doMock('jose', () => jose);
