import { intakeIssueEvent, type IssueEventInput } from '../../src/app/intake-issue-event';
import { processWork } from '../../src/app/process-work';
import type { IssueSnapshot } from '../../src/app/ports';
import { LINUX, makeGroupPolicy, WINDOWS } from '../factories/grant';
import { makeDeps } from '../fakes';

export const NEVILLE = 'acc-neville';
export const APPROVER = 'acc-alice';
export const OKTA_NEVILLE = '00uNEVILLE0000000001';

/** A world with Neville in Jira and Okta and two allowlisted groups. */
export function world(start?: string) {
  const w = makeDeps(start);
  w.jira.users.set(NEVILLE, { accountId: NEVILLE, displayName: 'Neville Newadmin', email: 'neville.newadmin@atko.email', timeZone: 'Europe/London' });
  w.jira.users.set(APPROVER, { accountId: APPROVER, displayName: 'Alice Approver', email: 'alice@atko.email', timeZone: 'UTC' });
  w.directory.users.push({ id: OKTA_NEVILLE, login: 'neville.newadmin@atko.email', email: 'neville.newadmin@atko.email', status: 'ACTIVE' });
  w.directory.groups.set(LINUX, { id: LINUX, name: 'PAM Linux Sysadmins', type: 'OKTA_GROUP' });
  w.directory.groups.set(WINDOWS, { id: WINDOWS, name: 'PAM Windows Admins', type: 'OKTA_GROUP' });
  w.config.allowlist = [makeGroupPolicy(), makeGroupPolicy({ groupId: WINDOWS, displayName: 'PAM Windows Admins' })];
  let n = 10000;
  return {
    ...w,
    /** Creates an issue in the fake tracker and runs the trigger's intake on it. */
    async raise(fields: Partial<IssueSnapshot>, kind: IssueEventInput['kind'] = 'created') {
      const id = String(++n);
      const issue: IssueSnapshot = { id, key: `ACC-${id}`, projectKey: 'ACC', reporterAccountId: NEVILLE, statusName: 'To Do', ...fields };
      w.jira.issues.set(issue.key, issue);
      const outcome = await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind });
      return { issue, outcome, grantId: `grant-${id}` };
    },
    /** Delivers queued work now (delays ignored) until the queue is empty or only retries remain. */
    async drain(max = 20) {
      const results = [];
      for (let i = 0; i < max && w.queue.items.length > 0; i++) {
        const { item } = w.queue.items.shift()!;
        results.push(await processWork(w.app, item));
      }
      return results;
    },
    grant: (id: string) => w.grants.get(id),
  };
}
