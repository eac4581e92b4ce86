/**
 * Jira account -> Okta user. The admin's explicit mapping wins; otherwise the email Jira shows us.
 * Raw issue input is never used to look anyone up.
 */
import type { PolicySettings } from '../domain/policy';
import type { Directory, DirectoryUser, IssueTracker } from './ports';
import { refuse, type Outcome } from './errors';

export async function resolveRequester(
  issues: IssueTracker,
  directory: Directory,
  policy: PolicySettings,
  accountId: string,
): Promise<Outcome<{ user: DirectoryUser; timeZone: string }>> {
  const jiraUser = await issues.getUser(accountId);
  if (!jiraUser)
    return refuse(
      'IDENTITY.JIRA_USER_NOT_FOUND',
      'The reporter of this issue could not be found in Jira. Raise the request again from your own account.',
    );
  const mappedLogin = policy.requesterMapping[accountId];
  const lookup = mappedLogin
    ? await directory.findActiveUserByLogin(mappedLogin)
    : jiraUser.email
      ? await directory.findActiveUserByEmail(jiraUser.email)
      : undefined;
  if (!lookup) {
    return refuse(
      'IDENTITY.EMAIL_HIDDEN',
      `Jira does not show ${jiraUser.displayName}'s email address to the app, so the matching Okta user cannot be found. A Jira admin can either make the email visible to apps, or add ${jiraUser.displayName} to the requester mapping (Okta JIT Access admin page, Policy, Requester mapping) and then raise the request again.`,
    );
  }
  if (!lookup.ok) {
    const how = mappedLogin
      ? `the Okta login "${mappedLogin}" from the requester mapping`
      : 'the email address Jira shows for this person';
    const what: Record<typeof lookup.code, string> = {
      'USER.NOT_FOUND': `No Okta user matches ${how}. Check the person's Okta profile or the admin page's requester mapping.`,
      'USER.AMBIGUOUS': `More than one active Okta user matches ${how}. An admin must add an explicit requester mapping in the admin page.`,
      'USER.NOT_ACTIVE': `The Okta user matching ${how} is not active. An Okta admin must activate the account first.`,
    };
    return refuse(lookup.code, what[lookup.code]);
  }
  return { ok: true, user: lookup.user, timeZone: jiraUser.timeZone };
}
