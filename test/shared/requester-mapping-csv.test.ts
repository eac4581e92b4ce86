/**
 * The requester mapping's CSV import (ADR 0016), pure: `Jira account id, Okta login` lines become rows,
 * every other line a problem naming its line number and what is wrong; merging into the form replaces
 * a person's login in place and adds new people up to the limit.
 */
import { LIMITS } from '../../src/shared/admin-contract';
import { mergeMappingRows, parseMappingCsv, splitCsvLine } from '../../src/shared/requester-mapping-csv';

const A = '557058:aaaa-1111';
const B = '5b10a2844c20165700ede21g';
const C = '712020:cccc-3333';

describe('parseMappingCsv', () => {
  test('a header, comments, blank lines, quotes, ; and tab separators, CRLF and a BOM', () => {
    const csv = [
      '\uFEFFJira account id,Okta login',
      '# people whose email Jira hides',
      `${A},ann@atko.email`,
      '',
      `"${B}" ; "bob@atko.email"`,
      `${C}\tcarol@atko.email,`,
    ].join('\r\n');
    expect(parseMappingCsv(csv)).toEqual({
      header: true,
      problems: [],
      rows: [
        { line: 3, accountId: A, oktaLogin: 'ann@atko.email' },
        { line: 5, accountId: B, oktaLogin: 'bob@atko.email' },
        { line: 6, accountId: C, oktaLogin: 'carol@atko.email' },
      ],
    });
  });

  test('each bad line is reported with its number and what is wrong; the good lines still import', () => {
    const csv = [
      `${A},ann@atko.email`,
      'ann@atko.email',
      `${B},bob@atko.email,extra`,
      'bob smith,bob@atko.email',
      `${C},carol at atko`,
      `${A},ann2@atko.email`,
      `"${C},carol@atko.email`,
      `${C},carol@atko.email`,
    ].join('\n');
    const r = parseMappingCsv(csv);
    expect(r.header).toBe(false);
    expect(r.rows).toEqual([
      { line: 1, accountId: A, oktaLogin: 'ann@atko.email' },
      { line: 8, accountId: C, oktaLogin: 'carol@atko.email' },
    ]);
    expect(r.problems).toEqual([
      { line: 2, text: 'ann@atko.email', message: expect.stringMatching(/Expected 2 columns.*found 1 value\./) },
      { line: 3, text: `${B},bob@atko.email,extra`, message: expect.stringMatching(/found 3 values/) },
      { line: 4, text: 'bob smith,bob@atko.email', message: '"bob smith" is not a Jira account id.' },
      { line: 5, text: `${C},carol at atko`, message: 'An Okta login has no spaces.' },
      { line: 6, text: `${A},ann2@atko.email`, message: 'This Jira account is already mapped on line 1.' },
      { line: 7, text: `"${C},carol@atko.email`, message: 'A quote is not closed on this line.' },
    ]);
  });

  test('an email in the first column is not an account id (the mapping exists because Jira hides emails)', () => {
    expect(parseMappingCsv('ann@atko.email,ann@atko.email').problems).toEqual([
      expect.objectContaining({ line: 1, message: '"ann@atko.email" is not a Jira account id.' }),
    ]);
  });

  test('a first line that is not a header is a problem like any other', () => {
    expect(parseMappingCsv(`x y,z\n${A},ann@atko.email`)).toMatchObject({
      header: false,
      problems: [{ line: 1, message: '"x y" is not a Jira account id.' }],
      rows: [{ line: 2 }],
    });
  });

  test(`at most ${LIMITS.maxRequesterMappings} people: the lines past it are reported`, () => {
    const lines = Array.from({ length: LIMITS.maxRequesterMappings + 2 }, (_, i) => `acc-${i},p${i}@atko.email`);
    const r = parseMappingCsv(lines.join('\n'));
    expect(r.rows).toHaveLength(LIMITS.maxRequesterMappings);
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 501, message: 'More than 500 people: the mapping holds at most 500.' }),
      expect.objectContaining({ line: 502 }),
    ]);
  });

  test('a file far too long is refused whole', () => {
    expect(parseMappingCsv('a'.repeat(200_001))).toMatchObject({
      rows: [],
      problems: [{ line: 0, message: expect.stringMatching(/too long/) }],
    });
  });

  test('splitCsvLine: quoted separators and doubled quotes', () => {
    expect(splitCsvLine('"a,b";"c""d"\te')).toEqual(['a,b', 'c"d', 'e']);
    expect(splitCsvLine('"open')).toBeUndefined();
  });
});

describe('mergeMappingRows', () => {
  test('replaces a login in place, keeps an unchanged row, adds new people, drops blank rows', () => {
    const r = mergeMappingRows(
      [
        { accountId: A, oktaLogin: 'ann@atko.email' },
        { accountId: '', oktaLogin: '' },
        { accountId: B, oktaLogin: 'bob@atko.email' },
      ],
      [
        { line: 1, accountId: B, oktaLogin: 'robert@atko.email' },
        { line: 2, accountId: A, oktaLogin: 'ann@atko.email' },
        { line: 3, accountId: C, oktaLogin: 'carol@atko.email' },
      ],
    );
    expect(r).toEqual({
      rows: [
        { accountId: A, oktaLogin: 'ann@atko.email' },
        { accountId: B, oktaLogin: 'robert@atko.email' },
        { accountId: C, oktaLogin: 'carol@atko.email' },
      ],
      added: 1,
      replaced: 1,
      unchanged: 1,
      problems: [],
    });
  });

  test('new people past the limit are not added, and each is reported', () => {
    const r = mergeMappingRows(
      [{ accountId: A, oktaLogin: 'ann@atko.email' }],
      [
        { line: 4, accountId: B, oktaLogin: 'bob@atko.email' },
        { line: 5, accountId: C, oktaLogin: 'carol@atko.email' },
        { line: 6, accountId: A, oktaLogin: 'ann.new@atko.email' },
      ],
      2,
    );
    expect(r.rows).toEqual([
      { accountId: A, oktaLogin: 'ann.new@atko.email' },
      { accountId: B, oktaLogin: 'bob@atko.email' },
    ]);
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 5, message: expect.stringMatching(/more than 2 people/) }),
    ]);
  });
});
