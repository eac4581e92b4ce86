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

  it('fails on an invalid schedule interval', async () => {
    const problems = await checkManifest(
      appWith((m) => {
        m.modules.scheduledTrigger[0].interval = 'everyMinute';
      }),
    );
    expect(problems.length).toBeGreaterThan(0);
  });
});
