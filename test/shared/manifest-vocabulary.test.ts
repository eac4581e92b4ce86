/**
 * manifest.yml cannot import the code, so Jira's own checks and display of the app's fields repeat
 * the domain's vocabulary. This keeps each copy equal to its one source: ACCESS_TYPES for the Access
 * type field, OKTA_GROUP_ID and the issue property (ISSUE_PROPERTY_KEY, AccessIssueProperty) for the
 * Admin group field (docs/adr/0018-admin-group-display.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ACCESS_TYPES, ISSUE_PROPERTY_KEY, OKTA_GROUP_ID } from '../../src/shared/vocabulary';
import { accessIssueProperty, INDEXED_PATHS, type AccessIssueProperty } from '../../src/domain/issue-property';
import { makeGrant } from '../factories/grant';

const manifest = YAML.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'manifest.yml'), 'utf8'));
const field = (key: string) => manifest.modules['jira:customField'].find((f: { key: string }) => f.key === key);

it('the Access type field accepts exactly ACCESS_TYPES and names each in its error message', () => {
  const listed = /\[(.*)\]\.includes\(value\)/.exec(field('access-type').edit.validation.expression)?.[1];
  expect(JSON.parse(`[${listed}]`)).toEqual([...ACCESS_TYPES]);
  for (const t of ACCESS_TYPES) expect(field('access-type').edit.validation.errorMessage).toContain(t);
});

describe('the Admin group field', () => {
  it("accepts no value or one of OKTA_GROUP_ID's shape, with the domain's pattern", () => {
    const v = field('admin-group').edit.validation;
    expect(v.expression).toBe(
      `value == null || (value.length == 20 && value.replace('${OKTA_GROUP_ID.source}', '') == '')`,
    );
    // The length guard agrees with the pattern (00g + 17): a regex-free reading still refuses most junk.
    expect('00g' + 'a'.repeat(17)).toMatch(OKTA_GROUP_ID);
    // The pattern travels inside a single-quoted Jira expression string: it must need no escaping.
    expect(OKTA_GROUP_ID.source).not.toMatch(/['\\]/);
    expect(OKTA_GROUP_ID.flags).toBe('');
    expect(v.errorMessage).toMatch(/Okta group id/);
  });

  it('is displayed outside the app by a formatter that reads the issue property the app writes', () => {
    const f = field('admin-group').view.formatter;
    expect(f.export ?? false).toBe(false);
    const expr: string = f.expression;
    // Reads the app's property by its one key ...
    expect(expr).toContain(`issue?.properties?.get('${ISSUE_PROPERTY_KEY}')`);
    // ... and exactly the fields of that property it relies on, which the app writes.
    const read = [...expr.matchAll(/\bp\?*\.(\w+)/g)].map((m) => m[1]);
    const written = accessIssueProperty(makeGrant({ groupId: '00gabcdefghijklmnopq' }), 'PAM Linux Sysadmins');
    expect(new Set(read)).toEqual(new Set<keyof AccessIssueProperty>(['groupId', 'groupName']));
    for (const k of read) expect(written).toHaveProperty(k);
    // The name only for the id the field holds; the id itself otherwise; a string for no value.
    expect(expr).toContain('p?.groupId == value');
    expect(expr).toMatch(/: value\)\s*$/);
    expect(expr).toContain("value == null ? ''");
  });
});

describe('the JQL index of the issue property (ADR 0024)', () => {
  const modules = manifest.modules['jira:entityProperty'] as Array<{
    key: string;
    entityType?: string;
    propertyKey: string;
    values: Array<{ path: string; type: string; searchAlias?: string }>;
  }>;

  it('indexes exactly INDEXED_PATHS of the property the app writes, with their types and aliases', () => {
    expect(modules).toHaveLength(1);
    expect(modules[0].entityType).toBe('issue');
    expect(modules[0].propertyKey).toBe(ISSUE_PROPERTY_KEY);
    expect(modules[0].values).toEqual(INDEXED_PATHS.map((p) => ({ ...p })));
  });

  it('every indexed path is one the app writes, with a value of the indexed type', () => {
    const written = accessIssueProperty(
      makeGrant({
        status: 'EXPIRED',
        startedAt: '2026-11-30T10:00:00.000Z',
        endsAt: '2026-11-30T14:00:00.000Z',
        endedAt: '2026-11-30T14:00:20.000Z',
        endReason: 'EXPIRED',
      }),
      'PAM Linux Sysadmins',
    ) as unknown as Record<string, unknown>;
    for (const p of INDEXED_PATHS) {
      expect(typeof written[p.path]).toBe('string');
      if (p.type === 'date') expect(Number.isNaN(Date.parse(written[p.path] as string))).toBe(false);
    }
    // Jira caps the values all of an app's entityProperty modules may index.
    expect(INDEXED_PATHS.length).toBeLessThanOrEqual(30);
  });
});
