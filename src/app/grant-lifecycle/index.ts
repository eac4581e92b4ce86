/**
 * Where a grant changes. The domain decides the next grant and its audit records
 * (src/domain/grant-transitions.ts); this folder writes them (write.ts) and removes Okta memberships
 * (take-back-membership.ts). Use cases orchestrate I/O around it and never set grant fields by hand.
 */
export { commit, recordRequest, retryOnStale } from './write';
export { takeBackMembership } from './take-back-membership';
export { mirroredToIssueProperty, repairIssueProperties, writeIssueProperty } from './issue-property';
