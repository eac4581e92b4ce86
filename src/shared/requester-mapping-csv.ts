/**
 * Bulk import of the requester mapping (ADR 0016): a pasted or uploaded CSV of `Jira account id, Okta
 * login` lines, parsed in the browser and merged into the policy form; nothing is stored until the
 * admin saves the policy, when the server checks every row again (PolicyInput, then Jira and Okta).
 *
 * The first column is the Jira account id, never an email: the mapping exists for the people whose
 * email Jira hides from the app, and the account id is what Jira always shows (the person's profile
 * URL, the "User id" column of Atlassian Administration's user export).
 *
 * Pure: no I/O, so the admin page and the tests share it.
 */
import { LIMITS, RequesterMappingEntry } from './admin-contract';

/** A line of the file that became a mapping row. `line` counts from 1, as an editor shows it. */
export interface MappingCsvRow {
  line: number;
  accountId: string;
  oktaLogin: string;
}

/** A line that did not, and why, for a person. */
export interface MappingCsvProblem {
  line: number;
  text: string;
  message: string;
}

export interface MappingCsvResult {
  rows: MappingCsvRow[];
  problems: MappingCsvProblem[];
  /** The first line was a header (it names the columns) and was skipped. */
  header: boolean;
}

/** The largest file the import reads (characters): far above 500 lines of two short cells. */
export const MAX_MAPPING_CSV_CHARS = 200_000;

const SEPARATORS = new Set([',', ';', '\t']);

/**
 * Splits one line into cells: `,`, `;` or tab separate (spreadsheets in many locales write `;`; neither
 * an account id nor an Okta login can hold any of them), `"…"` quotes a cell with `""` for a quote.
 * Undefined when a quote is left open.
 */
export function splitCsvLine(line: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (SEPARATORS.has(ch)) {
      cells.push(cell.trim());
      cell = '';
      wasQuoted = false;
    } else cell += ch;
  }
  if (quoted) return undefined;
  cells.push(cell.trim());
  return cells;
}

const shorten = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
const HEADER = /account|jira|login|okta|user/i;

/**
 * Parses the CSV. Blank lines and lines starting with `#` are skipped; a first line that names the
 * columns (e.g. `Jira account id,Okta login`) is a header. Every other line must hold exactly a valid
 * account id and a valid Okta login; a person listed twice, and lines past `max` people, are problems.
 */
export function parseMappingCsv(text: string, max: number = LIMITS.maxRequesterMappings): MappingCsvResult {
  const rows: MappingCsvRow[] = [];
  const problems: MappingCsvProblem[] = [];
  let header = false;
  if (text.length > MAX_MAPPING_CSV_CHARS) {
    return {
      rows,
      problems: [
        {
          line: 0,
          text: '',
          message: `The file is too long (more than ${MAX_MAPPING_CSV_CHARS.toLocaleString('en')} characters). Import at most ${max} people at a time.`,
        },
      ],
      header,
    };
  }
  const firstLineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let seenContent = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const problem = (message: string) => problems.push({ line, text: shorten(trimmed), message });
    const cells = splitCsvLine(trimmed);
    const first = !seenContent;
    seenContent = true;
    if (!cells) return problem('A quote is not closed on this line.');
    const filled = cells.filter((c) => c !== '');
    const entry = RequesterMappingEntry.safeParse({ accountId: cells[0] ?? '', oktaLogin: cells[1] ?? '' });
    if (
      first &&
      !entry.success &&
      HEADER.test(trimmed) &&
      !RequesterMappingEntry.shape.accountId.safeParse(cells[0]).success
    ) {
      header = true;
      return;
    }
    if (filled.length !== 2 || cells[0] === '' || cells[1] === '')
      return problem(
        `Expected 2 columns, a Jira account id and an Okta login; found ${filled.length === 1 ? '1 value' : `${filled.length} values`}.`,
      );
    if (!entry.success) {
      const byField = new Map<string, string>();
      for (const issue of entry.error.issues) {
        const k = String(issue.path[0]);
        if (!byField.has(k)) byField.set(k, issue.message);
      }
      const parts: string[] = [];
      if (byField.has('accountId')) parts.push(`"${shorten(cells[0])}" is not a Jira account id.`);
      if (byField.has('oktaLogin')) parts.push(byField.get('oktaLogin')!);
      return problem(parts.join(' '));
    }
    const { accountId, oktaLogin } = entry.data;
    const earlier = firstLineOf.get(accountId);
    if (earlier !== undefined) return problem(`This Jira account is already mapped on line ${earlier}.`);
    if (rows.length >= max) return problem(`More than ${max} people: the mapping holds at most ${max}.`);
    firstLineOf.set(accountId, line);
    rows.push({ line, accountId, oktaLogin });
  });
  return { rows, problems, header };
}

/** What merging an import into the form did. */
export interface MappingMerge {
  rows: RequesterMappingEntry[];
  added: number;
  /** Rows whose Okta login the import changed. */
  replaced: number;
  unchanged: number;
  /** Imported lines left out: the form would hold more than `max` people. */
  problems: MappingCsvProblem[];
}

/**
 * The form's rows with the import merged in: a person already in the form takes the imported login
 * (in place), a new person is added at the end; rows left blank in the form are dropped.
 */
export function mergeMappingRows(
  current: readonly RequesterMappingEntry[],
  imported: readonly MappingCsvRow[],
  max: number = LIMITS.maxRequesterMappings,
): MappingMerge {
  const rows = current
    .filter((r) => r.accountId.trim() !== '' || r.oktaLogin.trim() !== '')
    .map((r) => ({ accountId: r.accountId, oktaLogin: r.oktaLogin }));
  const at = new Map(rows.map((r, i) => [r.accountId.trim(), i]));
  let added = 0;
  let replaced = 0;
  let unchanged = 0;
  const problems: MappingCsvProblem[] = [];
  for (const m of imported) {
    const i = at.get(m.accountId);
    if (i !== undefined) {
      if (rows[i].oktaLogin.trim() === m.oktaLogin) unchanged++;
      else {
        rows[i] = { accountId: m.accountId, oktaLogin: m.oktaLogin };
        replaced++;
      }
      continue;
    }
    if (rows.length >= max) {
      problems.push({
        line: m.line,
        text: `${m.accountId},${m.oktaLogin}`,
        message: `Not added: the mapping would hold more than ${max} people.`,
      });
      continue;
    }
    at.set(m.accountId, rows.length);
    rows.push({ accountId: m.accountId, oktaLogin: m.oktaLogin });
    added++;
  }
  return { rows, added, replaced, unchanged, problems };
}
