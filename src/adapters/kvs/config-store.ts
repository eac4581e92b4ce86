/** Admin settings on plain keys; Okta credentials in secret storage (never returned to the UI, never logged). */
import { kvs } from '@forge/kvs';
import type { ConfigStore, OktaConnection, OktaSecrets } from '../../app/ports';
import { DEFAULT_POLICY, type GroupPolicy, type PolicySettings } from '../../domain/policy';
import { GroupPolicySchema, KEY, OktaConnectionSchema, OktaSecretsSchema, PolicySettingsSchema } from './keys';

export class KvsConfigStore implements ConfigStore {
  async getConnection(): Promise<OktaConnection | undefined> {
    const raw = await kvs.get(KEY.connection);
    if (raw === undefined) return undefined;
    const parsed = OktaConnectionSchema.safeParse(raw);
    // An unreadable connection is treated as "not connected": the admin page asks for it again.
    return parsed.success ? parsed.data : undefined;
  }

  async saveConnection(c: OktaConnection): Promise<void> {
    await kvs.set(KEY.connection, OktaConnectionSchema.parse(c));
  }

  async getSecrets(): Promise<OktaSecrets> {
    const parsed = OktaSecretsSchema.safeParse(await kvs.getSecret(KEY.oktaSecrets));
    return parsed.success ? parsed.data : {};
  }

  /** Replaces the stored credentials as a whole, so switching auth method leaves no stale secret behind. */
  async saveSecrets(s: OktaSecrets): Promise<void> {
    await kvs.setSecret(KEY.oktaSecrets, OktaSecretsSchema.parse(s));
  }

  async getPolicy(): Promise<PolicySettings> {
    const parsed = PolicySettingsSchema.safeParse(await kvs.get(KEY.policy));
    if (!parsed.success || !parsed.data) return { ...DEFAULT_POLICY };
    // Settings saved by an older version may lack newer fields: defaults fill them in. A setting
    // switched off is stored as null, and stays off (a switched-off emergency path must never skip approval).
    const { emergencyValue, closeOutTransitionName, plannedStartFieldId, plannedEndFieldId, ...rest } = parsed.data;
    const merged: PolicySettings = { ...DEFAULT_POLICY, ...stripUndefined(rest) };
    if (emergencyValue !== undefined) merged.emergencyValue = emergencyValue ?? undefined;
    if (closeOutTransitionName !== undefined) merged.closeOutTransitionName = closeOutTransitionName ?? undefined;
    if (plannedStartFieldId) merged.plannedStartFieldId = plannedStartFieldId;
    if (plannedEndFieldId) merged.plannedEndFieldId = plannedEndFieldId;
    return merged;
  }

  async savePolicy(p: PolicySettings): Promise<void> {
    const off = { emergencyValue: p.emergencyValue ?? null, closeOutTransitionName: p.closeOutTransitionName ?? null };
    await kvs.set(KEY.policy, JSON.parse(JSON.stringify(PolicySettingsSchema.parse({ ...p, ...off }))));
  }

  async getAllowlist(): Promise<GroupPolicy[]> {
    const raw = await kvs.get(KEY.allowlist);
    if (!Array.isArray(raw)) return [];
    // One unreadable group must not hide the others (or stop the sweeps): skip it.
    return raw.flatMap((g) => {
      const parsed = GroupPolicySchema.safeParse(g);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async saveAllowlist(groups: GroupPolicy[]): Promise<void> {
    await kvs.set(
      KEY.allowlist,
      groups.map((g) => GroupPolicySchema.parse(g)),
    );
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
