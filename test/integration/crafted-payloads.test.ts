/**
 * Every resolver key answers malformed, oversized, stale or hostile input with a refusal in the
 * envelope, never by throwing (a throw reaches the browser as an opaque platform error, and a resolver
 * that throws on crafted input is a crash a caller can trigger at will). Run as the most privileged
 * caller each surface has (a Jira admin; the requester of an issue's grant), so authorization does not
 * refuse first and hide a crash behind it.
 */
import { ADMIN_KEYS } from '../../src/shared/admin-contract';
import { FIELD_KEYS, PANEL_KEYS } from '../../src/shared/panel-contract';
import { CRAFTED } from '../support/crafted';
import { useWorlds, world } from './world';

useWorlds();

const everyKey = (keys: Record<string, string>) => Object.values(keys);

describe('crafted payloads never make a resolver throw', () => {
  it.each(everyKey(ADMIN_KEYS))('admin key %s', async (key) => {
    const t = await world();
    for (const [, payload] of CRAFTED) {
      const r = await t.sb.app.invoke<{ ok: boolean; error?: { code: string; message: string } }>(key, payload, {
        accountId: t.w.jira.ada,
        moduleKey: 'admin-page',
      });
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(r.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([...everyKey(PANEL_KEYS), ...everyKey(FIELD_KEYS)])(
    'issue panel and field key %s, as the requester',
    async (key) => {
      const t = await world();
      const r0 = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux });
      const extension = { issue: { id: r0.id, key: r0.key }, project: { key: t.w.projectKey } };
      for (const [, payload] of CRAFTED) {
        const r = await t.sb.app.invoke<{ ok: boolean; error?: { code: string; message: string } }>(key, payload, {
          accountId: t.w.jira.neville,
          extension,
        });
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      }
      // The grant was not touched by any of it.
      expect(t.grant(r0.grantId)).toMatchObject({ status: 'ACTIVE', extensions: 0 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
