/** `npm run demo` is the main acceptance test: the canonical story must end as written. */
import { createSandbox } from '../sandbox';
import { playCanonicalStory, verifyStory, collectStory } from '../scripts/demo';

it('plays the canonical story of product.md section 7 to the written end', async () => {
  const sb = await createSandbox({ now: '2026-11-21T20:00:00.000Z' });
  const info = console.info;
  console.info = () => {};
  try {
    const story = await playCanonicalStory(sb);
    const result = await collectStory(sb, story);
    expect(verifyStory(story.world, story.keys, result, sb)).toEqual([]);
    // The promises the issue names, asserted here as well as inside verifyStory.
    const linux = story.world.groups.linux;
    const linuxWrites = sb.okta.requests.filter(
      (r) => r.path.startsWith(`/api/v1/groups/${linux}/users/`) && (r.method === 'PUT' || r.method === 'DELETE'),
    );
    expect(linuxWrites.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
    expect(sb.okta.members(linux)).not.toContain(story.world.okta.neville);
    expect(sb.okta.members(story.world.groups.windows)).toContain(story.world.okta.neville);
    expect(result.audit.filter((a) => a.action.startsWith('MEMBERSHIP_')).every((a) => a.oktaRequestId)).toBe(true);
    // The Linux grant was a break-glass grant: one review, refused to Neville, resolved by Ada (ADR 0027).
    const review = story.keys.reviewKey!;
    expect(sb.jira.issueExtras(review).links).toEqual([
      { type: 'Relates', inward: review, outward: story.keys.linuxKey },
    ]);
    expect(sb.jira.issue(review).status).toBe('Done');
    expect(
      result.audit
        .filter((a) => a.action.startsWith('REVIEW_') && a.issueKey === story.keys.linuxKey)
        .map((a) => a.action),
    ).toEqual(['REVIEW_OPENED', 'REVIEW_SELF_CLOSE_REFUSED', 'REVIEW_RESOLVED']);
    expect(sb.unhandled).toEqual([]);
    expect(sb.jira.specViolations).toEqual([]);
  } finally {
    console.info = info;
    await sb.close();
  }
});
