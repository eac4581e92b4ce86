/**
 * The issue property the app keeps on each New access request issue (docs/adr/0018-admin-group-display.md).
 * Jira renders the Admin group field without the app's UI in the issue navigator, list view, boards
 * and notifications: there the field's formatter expression (manifest.yml) reads this property to
 * show the group's name instead of its raw Okta id.
 *
 * One key, one object, versioned, so it can grow into the indexed entity property of issue 14 §2
 * (status, requester, start, end) without a second property or a migration: readers ignore fields
 * they do not know, and the formatter reads only `groupId` and `groupName`.
 */

/** The property key (Jira's limit is 255 characters). manifest.yml's formatter names it too. */
export const ISSUE_PROPERTY_KEY = 'okta-jit-access';

export interface AccessIssueProperty {
  /** The shape's version: bumped only when a field changes meaning, never to add one. */
  v: 1;
  /** The Okta group id the request was recorded for: the formatter shows the name only for this id. */
  groupId: string;
  /** The group's display name on the allowlist when the request was recorded. */
  groupName: string;
}

export const accessIssueProperty = (groupId: string, groupName: string): AccessIssueProperty => ({
  v: 1,
  groupId,
  groupName,
});
