/**
 * `Notifier` through Jira's notify API (`POST /rest/api/3/issue/{key}/notify`, 204 when queued):
 * Jira sends the email, so the app needs no mail provider and never sees addresses. Sent as the app.
 * Mentions in the message are shown by display name in the email.
 */
import { route } from '@forge/api';
import type { Clock, Message, Notifier } from '../../app/ports';
import { mentionsOf, toHtml, toPlainText } from './adf';
import { jiraRequest } from './jira-http';

const APP = { as: 'app' } as const;

export class JiraNotifier implements Notifier {
  constructor(private readonly clock: Clock) {}

  async notify(issueKey: string, toAccountIds: string[], subject: string, message: Message): Promise<void> {
    const recipients = [...new Set(toAccountIds.filter(Boolean))];
    if (recipients.length === 0) return;
    const names = new Map<string, string>();
    await Promise.all(
      mentionsOf(message).map(async (id) => {
        const res = await jiraRequest<{ displayName?: string }>(APP, 'GET', route`/rest/api/3/user?accountId=${id}`, {
          operation: 'reading a Jira user',
          clock: this.clock,
          accept: [404],
        }).catch(() => undefined);
        if (res?.status === 200 && res.body?.displayName) names.set(id, res.body.displayName);
      }),
    );
    const name = (id: string) => names.get(id);
    await jiraRequest(APP, 'POST', route`/rest/api/3/issue/${issueKey}/notify`, {
      operation: 'sending a notification',
      clock: this.clock,
      accept: [404], // the issue was deleted: nothing to notify about
      body: {
        subject: subject.slice(0, 255),
        textBody: toPlainText(message, name),
        htmlBody: toHtml(message, name),
        to: {
          reporter: false,
          assignee: false,
          watchers: false,
          voters: false,
          users: recipients.map((accountId) => ({ accountId })),
        },
      },
    });
  }
}
