/**
 * The break-glass review's Jira side (ADR 0027), as the app: create the review issue, find it again by
 * its label, link it to the request, move its due date, and re-open it. All `write:jira-work` /
 * `read:jira-work`, which the app already holds.
 */
import { route } from '@forge/api';
import type { Clock, ReviewIssueInput, ReviewTracker } from '../../app/ports';
import { toAdf } from './adf';
import { jiraRequest } from './jira-http';

const APP = { as: 'app' } as const;
/** Jira's default link type on every site; "relates to" both ways. */
const LINK_TYPE = 'Relates';

type StatusJson = { statusCategory?: { key?: string } };

export class JiraReviewTracker implements ReviewTracker {
  constructor(private readonly clock: Clock) {}

  async summaryOf(issueKey: string): Promise<string | undefined> {
    const res = await jiraRequest<{ fields?: { summary?: string } }>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKey}?fields=${'summary'}`,
      { operation: 'reading the request summary', clock: this.clock, accept: [404] },
    );
    return res.status === 404 ? undefined : res.body?.fields?.summary;
  }

  async createIssue(input: ReviewIssueInput): Promise<string> {
    const res = await jiraRequest<{ key?: string }>(APP, 'POST', route`/rest/api/3/issue`, {
      body: {
        fields: {
          project: { key: input.projectKey },
          issuetype: { id: input.issueTypeId },
          summary: input.summary,
          description: toAdf(input.description),
          duedate: input.dueDate,
          labels: [input.label],
          // Left out, Jira applies the project's default assignee.
          ...(input.assigneeAccountId ? { assignee: { accountId: input.assigneeAccountId } } : {}),
        },
      },
      operation: 'creating the break-glass review issue',
      clock: this.clock,
    });
    if (!res.body?.key) throw new Error('Jira created the review issue but did not say its key');
    return res.body.key;
  }

  async findByLabel(label: string): Promise<string | undefined> {
    const res = await jiraRequest<{ issues?: Array<{ key?: string }> }>(APP, 'POST', route`/rest/api/3/search/jql`, {
      body: { jql: `labels = "${label}"`, fields: ['key'], maxResults: 1 },
      operation: 'looking for a review issue an interrupted attempt may have created',
      clock: this.clock,
    });
    return res.body?.issues?.[0]?.key;
  }

  async link(reviewIssueKey: string, requestIssueKey: string): Promise<void> {
    await jiraRequest(APP, 'POST', route`/rest/api/3/issueLink`, {
      body: { type: { name: LINK_TYPE }, inwardIssue: { key: reviewIssueKey }, outwardIssue: { key: requestIssueKey } },
      operation: 'linking the review to the request',
      clock: this.clock,
    });
  }

  async setDueDate(issueKey: string, dueDate: string): Promise<'set' | 'issue-gone'> {
    const res = await jiraRequest(APP, 'PUT', route`/rest/api/3/issue/${issueKey}`, {
      body: { fields: { duedate: dueDate } },
      operation: "moving the review's due date",
      clock: this.clock,
      accept: [404],
    });
    return res.status === 404 ? 'issue-gone' : 'set';
  }

  async reopen(issueKey: string): Promise<'done' | 'not-done-already' | 'unavailable'> {
    const issue = await jiraRequest<{ fields?: { status?: StatusJson } }>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKey}?fields=${'status'}`,
      { operation: 'reading the review issue', clock: this.clock, accept: [404] },
    );
    if (issue.status === 404) return 'unavailable';
    if (issue.body?.fields?.status?.statusCategory?.key !== 'done') return 'not-done-already';
    const res = await jiraRequest<{ transitions?: Array<{ id: string; isAvailable?: boolean; to?: StatusJson }> }>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKey}/transitions`,
      { operation: 'listing the review issue transitions', clock: this.clock, accept: [404] },
    );
    // Any transition leading out of the done category re-opens it (Reopen, Back to To Do, ...).
    const back = (res.body?.transitions ?? []).find(
      (t) => t.isAvailable !== false && t.to?.statusCategory?.key !== undefined && t.to.statusCategory.key !== 'done',
    );
    if (!back) return 'unavailable';
    const done = await jiraRequest(APP, 'POST', route`/rest/api/3/issue/${issueKey}/transitions`, {
      body: { transition: { id: back.id } },
      operation: 'reopening the review issue',
      clock: this.clock,
      accept: [400, 409],
    });
    return done.status === 400 || done.status === 409 ? 'unavailable' : 'done';
  }
}
