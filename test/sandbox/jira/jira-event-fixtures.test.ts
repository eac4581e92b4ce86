/**
 * The event fixtures in test/fixtures/jira-events come from the Jira emulator, not from a real site.
 * This checks that each still parses as the trigger expects and gets the guard's intended verdict.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IssueEventSchema, isRelevantIssueEvent, statusChangedTo } from '../../../src/entry/issue-event';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'jira-events');
const load = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));

describe('Jira event fixtures (from the emulator) against the trigger guard', () => {
  it.each([
    ['created-issue.json', true],
    ['updated-status-approved.json', true],
    ['updated-custom-field.json', true],
    ['updated-by-app-self-generated.json', false],
    ['updated-comment-only.json', false],
  ])('%s → relevant: %s', (name, relevant) => {
    const event = IssueEventSchema.parse(load(name));
    expect(isRelevantIssueEvent(event)).toBe(relevant);
  });

  it('reads the new status from a status change', () => {
    expect(statusChangedTo(IssueEventSchema.parse(load('updated-status-approved.json')))).toBe('Approved');
  });

  it('a comment event is not an issue event the trigger accepts', () => {
    expect(IssueEventSchema.safeParse(load('commented-issue.json')).success).toBe(false);
  });

  it('every fixture is listed above', () => {
    expect(
      fs
        .readdirSync(DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual([
      'commented-issue.json',
      'created-issue.json',
      'updated-by-app-self-generated.json',
      'updated-comment-only.json',
      'updated-custom-field.json',
      'updated-status-approved.json',
    ]);
  });
});
