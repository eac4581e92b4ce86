/**
 * The event fixtures in test/fixtures/jira-events come from the Jira emulator, not from a real site.
 * This checks that each still parses as the trigger expects and gets the guard's intended verdict.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  IssueEventSchema,
  isRelevantIssueEvent,
  mayEditRequestField,
  statusChangedTo,
} from '../../../src/entry/issue-event';

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

describe("the guard and the app's own fields, whose changelog fieldtype Jira does not document", () => {
  /** updated-custom-field.json with its one item rewritten. */
  const editOf = (item: Record<string, unknown>) => {
    const e = load('updated-custom-field.json') as { changelog: { items: unknown[] } };
    e.changelog.items = [item];
    return IssueEventSchema.parse(e);
  };
  const accessTypeEdit = { field: 'Access type', fieldId: 'customfield_10100', from: null, to: null, toString: 'x' };
  const ids = new Set(['customfield_10100', 'customfield_10101', 'customfield_10050']);

  it('an item without fieldtype "custom" is an edit of the request when its fieldId is a request field id', () => {
    const e = editOf(accessTypeEdit);
    expect(isRelevantIssueEvent(e)).toBe(false); // the cheap guard cannot tell
    expect(mayEditRequestField(e)).toBe(true); // so the trigger discovers the field ids
    expect(isRelevantIssueEvent(e, ids)).toBe(true);
    expect(isRelevantIssueEvent(editOf({ ...accessTypeEdit, fieldtype: 'forge' }), ids)).toBe(true);
  });

  it('an item whose field (not fieldId) carries the id also counts', () => {
    expect(isRelevantIssueEvent(editOf({ field: 'customfield_10101', toString: 'x' }), ids)).toBe(true);
  });

  it("another field's edit stays noise, with or without ids", () => {
    const summary = editOf({ field: 'summary', fieldtype: 'jira', fieldId: 'summary', toString: 'x' });
    expect(isRelevantIssueEvent(summary, ids)).toBe(false);
    expect(isRelevantIssueEvent(editOf({ ...accessTypeEdit, fieldId: 'customfield_99999' }), ids)).toBe(false);
  });

  it("the app's own writes, and updates that changed nothing, are not worth discovering ids for", () => {
    const self = { ...(load('updated-by-app-self-generated.json') as object) };
    expect(mayEditRequestField(IssueEventSchema.parse(self))).toBe(false);
    expect(isRelevantIssueEvent(IssueEventSchema.parse({ ...self, selfGenerated: true }), ids)).toBe(false);
    const none = load('updated-custom-field.json') as { changelog: { items: unknown[] } };
    none.changelog.items = [];
    expect(mayEditRequestField(IssueEventSchema.parse(none))).toBe(false);
  });

  it('status and reporter are recognised by fieldId as well as by field', () => {
    expect(isRelevantIssueEvent(editOf({ field: 'Status', fieldId: 'status', toString: 'Approved' }))).toBe(true);
    expect(statusChangedTo(editOf({ field: 'Status', fieldId: 'status', toString: 'Approved' }))).toBe('Approved');
    expect(isRelevantIssueEvent(editOf({ field: 'Reporter', fieldId: 'reporter', toString: 'A' }))).toBe(true);
  });
});
