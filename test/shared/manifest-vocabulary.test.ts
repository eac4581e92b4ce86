/**
 * manifest.yml cannot import the code, so Jira's own check of the Access type field repeats the list.
 * This keeps the copy equal to the one source (ACCESS_TYPES in the domain).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ACCESS_TYPES } from '../../src/shared/vocabulary';

const manifest = YAML.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'manifest.yml'), 'utf8'));

it('the Access type field accepts exactly ACCESS_TYPES and names each in its error message', () => {
  const field = manifest.modules['jira:customField'].find((f: { key: string }) => f.key === 'access-type');
  const listed = /\[(.*)\]\.includes\(value\)/.exec(field.edit.validation.expression)?.[1];
  expect(JSON.parse(`[${listed}]`)).toEqual([...ACCESS_TYPES]);
  for (const t of ACCESS_TYPES) expect(field.edit.validation.errorMessage).toContain(t);
});
