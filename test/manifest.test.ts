/**
 * The manifest is checked offline with Atlassian's own validators on every `npm test`; a broken
 * manifest must fail the suite (each case below breaks it one way and expects the check to say so).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { checkManifest } from '../scripts/manifest-check';
import { OKTA_HOST_SUFFIXES } from '../src/domain/okta-domain';

const ROOT = path.resolve(__dirname, '..');
const original = YAML.parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8'));

function appWith(mutate: (m: any) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(dir, 'src'));
  if (fs.existsSync(path.join(ROOT, 'static'))) fs.symlinkSync(path.join(ROOT, 'static'), path.join(dir, 'static'));
  const m = structuredClone(original);
  mutate(m);
  fs.writeFileSync(path.join(dir, 'manifest.yml'), YAML.stringify(m));
  return dir;
}

jest.setTimeout(120_000);

describe('offline manifest check', () => {
  it('passes for the real manifest', async () => {
    expect(await checkManifest(ROOT)).toEqual([]);
  });

  it('lets backend fetch reach every Okta host the domain validator accepts, and nothing else', () => {
    const egress = original.permissions.external.fetch.backend.map((e: { address: string }) => e.address).sort();
    expect(egress).toEqual(OKTA_HOST_SUFFIXES.map((s: string) => `*${s}`).sort());
  });

  it('fails when a module names a function that does not exist', async () => {
    const problems = await checkManifest(
      appWith((m) => {
        m.modules.scheduledTrigger[0].function = 'no-such-function';
      }),
    );
    expect(problems.map((p) => p.message).join('\n')).toMatch(/no-such-function/);
  });

  it('fails when a handler export is missing from src/index.ts', async () => {
    const problems = await checkManifest(
      appWith((m) => {
        m.modules.function[0].handler = 'index.notExported';
      }),
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/notExported/);
  });

  it('fails when the Jira scopes the code needs are missing', async () => {
    const problems = await checkManifest(
      appWith((m) => {
        m.permissions.scopes = m.permissions.scopes.filter((s: string) => !s.includes('jira'));
      }),
    );
    expect(problems.some((p) => /scope|permission/i.test(p.message))).toBe(true);
  });

  it('declares the scopes every Jira route the adapters call needs (the Forge linter cannot see calls made through jiraRequest)', async () => {
    const calls = jiraRoutesInSrc();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining(['GET /rest/api/3/role', 'GET /rest/api/3/myself', 'POST /rest/api/3/issue/x/comment']),
    );
    expect(await routeScopeProblems(original.permissions.scopes)).toEqual([]);
    // And the check bites: without read:jira-user the user reads are named; without the granular
    // project-role set, GET /role (whose classic scope would be manage:jira-configuration).
    const scopes: string[] = original.permissions.scopes;
    expect(await routeScopeProblems(scopes.filter((s) => s !== 'read:jira-user'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/rest\/api\/3\/myself .* needs read:jira-user$/),
        expect.stringMatching(/^GET \/rest\/api\/3\/user\/search .* needs read:jira-user$/),
      ]),
    );
    // (Named twice: the approver directory calls it, and the install self-check probes it.)
    expect(await routeScopeProblems(scopes.filter((s) => s !== 'read:project-role:jira'))).toEqual([
      expect.stringMatching(
        /^GET \/rest\/api\/3\/role \(src\/adapters\/jira\/jira-approver-directory.ts\) needs manage:jira-configuration$/,
      ),
      expect.stringMatching(
        /^GET \/rest\/api\/3\/role \(src\/adapters\/jira\/jira-probe.ts\) needs manage:jira-configuration$/,
      ),
    ]);
  });

  it('fails on an invalid schedule interval', async () => {
    const problems = await checkManifest(
      appWith((m) => {
        m.modules.scheduledTrigger[0].interval = 'everyMinute';
      }),
    );
    expect(problems.length).toBeGreaterThan(0);
  });

  it('puts custom field validation under edit, where the Forge reference defines it', () => {
    // https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-custom-field/#validation
    // documents only `edit.validation.expression` and `edit.validation.errorMessage`; @forge/manifest's
    // schema also accepts a top-level `validation`, which no page documents.
    const fields: Array<{ key: string; validation?: unknown; edit?: { validation?: { expression?: string } } }> =
      original.modules['jira:customField'];
    expect(fields.filter((f) => f.validation !== undefined).map((f) => f.key)).toEqual([]);
    expect(fields.find((f) => f.key === 'access-type')?.edit?.validation?.expression).toMatch(/includes\(value\)/);
  });
});

/**
 * Every Jira REST call in src: a route`…` template (placeholders become one path segment, the query
 * dropped) with the method literal just before it in the jiraRequest call, GET when there is none
 * (routes handed to a helper that asks with GET).
 */
function jiraRoutesInSrc(): Array<{ method: string; path: string; file: string }> {
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const out: Array<{ method: string; path: string; file: string }> = [];
  for (const file of walk(path.join(ROOT, 'src')).filter((f) => /\.tsx?$/.test(f))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:'(GET|POST|PUT|DELETE)',\s*)?route`([^`]*)`/g)) {
      const p = m[2].replace(/\$\{[^}]*\}/g, 'x').replace(/\?.*$/, '');
      if (p.startsWith('/rest/api/')) out.push({ method: m[1] ?? 'GET', path: p, file: path.relative(ROOT, file) });
    }
  }
  return out;
}

/** What each Jira call in src needs (Jira's OpenAPI: x-atlassian-oauth2-scopes) and `scopes` lacks. */
async function routeScopeProblems(scopes: string[]): Promise<string[]> {
  const { getMissingScopes } = await import('@forge/manifest');
  type Spec = {
    paths: Record<string, Record<string, { 'x-atlassian-oauth2-scopes'?: Array<{ state: string; scopes: string[] }> }>>;
  };
  const read = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'swagger', name), 'utf8')) as Spec;
  // jira.json is Jira's API as of 2024-03; jira-additions.json holds what Atlassian published since.
  const spec: Spec = { paths: { ...read('jira.json').paths, ...read('jira-additions.json').paths } };
  const problems: string[] = [];
  for (const { method, path: p, file } of jiraRoutesInSrc()) {
    const template = Object.keys(spec.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(p));
    const op = template ? spec.paths[template][method.toLowerCase()] : undefined;
    if (!op) {
      problems.push(`${method} ${p} (${file}) is not in Jira's published API`);
      continue;
    }
    // As @forge/lint's permission linter decides: every Current scope, or else every Beta (granular) one.
    const byState = (state: string) =>
      (op['x-atlassian-oauth2-scopes'] ?? []).filter((x) => x.state === state).flatMap((x) => x.scopes);
    const missing = await getMissingScopes(scopes, { current: byState('Current'), beta: byState('Beta') });
    if (missing.length > 0) problems.push(`${method} ${p} (${file}) needs ${missing.join(', ')}`);
  }
  return problems;
}
