/** Table of contents: every Forge handler named in manifest.yml, grouped by kind. */

// Product triggers
export { issueTrigger } from './entry/issue-trigger';
export { lifecycle } from './entry/lifecycle';

// Queue consumers
export { oktaWorker } from './entry/okta-worker';

// Scheduled triggers
export { sweeper, reconciler } from './entry/scheduled';

// UI resolvers (issue panel and custom fields; admin page)
export { uiResolver } from './entry/ui-resolver';
export { adminResolver } from './entry/admin-resolver';

// Jira Automation actions (request, extend, revoke Okta access for an issue)
export { automationRequestAccess, automationExtendAccess, automationRevokeAccess } from './entry/automation-action';
