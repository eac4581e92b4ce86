/**
 * The last listing of Okta's group rules per org (okta-directory.ts `RuleListingStore`), on a plain
 * key. Kept in storage rather than only in memory because Forge does not promise that the next
 * New access lands on a warm instance; a wrong or unreadable value is treated as absent (the directory
 * then reads Okta), so the cache can make a check slower but never let a rule-targeted group through
 * for longer than its maximum age.
 */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { oktaRuleListingKey } from './keys';

const RuleListingSchema = z.object({
  fetchedAt: z.string(),
  targets: z.record(z.string(), z.array(z.string())),
});
type RuleListing = z.infer<typeof RuleListingSchema>;

/** A listing is useful for five minutes: let storage drop it soon after. */
const TTL = { value: 1, unit: 'HOURS' } as const;

export class KvsOktaRuleCache {
  async read(origin: string): Promise<RuleListing | undefined> {
    const parsed = RuleListingSchema.safeParse(await kvs.get(oktaRuleListingKey(origin)));
    return parsed.success ? parsed.data : undefined;
  }

  async write(origin: string, listing: RuleListing): Promise<void> {
    await kvs.set(oktaRuleListingKey(origin), listing, { ttl: TTL });
  }
}
