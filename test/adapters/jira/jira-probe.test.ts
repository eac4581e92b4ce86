/**
 * The self-check calls every Jira route the app calls (ADR 0014): the probe list in
 * src/adapters/jira/jira-probe.ts and the routes the other Jira adapters send are read from the source
 * the way test/manifest.test.ts reads them (method literal before route`…`, placeholders as one
 * segment, the query dropped) and must be the same set, so a new Jira call cannot escape the check.
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'adapters', 'jira');

function routesIn(files: string[]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    for (const m of text.matchAll(/(?:'(GET|POST|PUT|DELETE)',\s*)?route`([^`]*)`/g)) {
      const p = m[2].replace(/\$\{[^}]*\}/g, 'x').replace(/\?.*$/, '');
      if (p.startsWith('/rest/api/')) out.add(`${m[1] ?? 'GET'} ${p}`);
    }
  }
  return [...out].sort();
}

test('the self-check probes exactly the Jira routes the adapters call', () => {
  const adapters = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'jira-probe.ts');
  const used = routesIn(adapters);
  expect(used.length).toBeGreaterThanOrEqual(15);
  expect(routesIn(['jira-probe.ts'])).toEqual(used);
});
