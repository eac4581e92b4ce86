/**
 * The Automation actions' configuration form (ADR 0026), rendered with the real UI Kit reconciler:
 * the fields are the inputs the manifest declares for the action being configured, it starts from the
 * saved inputs (or the smart-value defaults), and every change is sent with `view.submit` as the inputs
 * Automation stores (`hours` a number, empty fields left out).
 */
import { ui } from './support/forge-ui'; // must be first: installs the bridge @forge/* read at import
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { AutomationConfigForm, FIELDS_BY_ACTION } from '../../src/frontend/automation/config-form';

afterEach(async () => {
  await ui.show(null);
});

function configuring(moduleKey: string, inputs?: Record<string, unknown>) {
  ui.use({
    invoke: () => Promise.reject(new Error('the form calls no resolver')),
    context: () => ({
      accountId: 'rule-owner',
      moduleKey,
      extension: { type: 'action', ...(inputs ? { data: { inputs } } : {}) },
    }),
  });
}

const fields = () => ui.findAll((d) => d.type === 'Textfield');
const field = (name: string) => fields().find((d) => d.props.name === name)!;

describe('Automation action configuration form', () => {
  it('offers exactly the inputs manifest.yml declares for each action', () => {
    const manifest = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../manifest.yml'), 'utf8'));
    for (const action of manifest.modules.action as Array<{ key: string; inputs: Record<string, unknown> }>) {
      expect(FIELDS_BY_ACTION[action.key].map((f) => f.name).sort()).toEqual(Object.keys(action.inputs).sort());
    }
  });

  it('starts a new Request action from the smart-value defaults and submits each change as inputs', async () => {
    configuring('request-okta-access');
    await ui.show(<AutomationConfigForm />);
    expect(fields().map((d) => d.props.name)).toEqual([
      'issueKey',
      'group',
      'requestFor',
      'hours',
      'changeType',
      'ruleName',
    ]);
    expect(field('issueKey').props.value).toBe('{{issue.key}}');
    field('group').props.onChange({ target: { value: 'PAM Linux Sysadmins' } });
    await ui.idle();
    field('hours').props.onChange({ target: { value: '2' } });
    await ui.idle();
    expect(ui.submits.at(-1)).toEqual({
      issueKey: '{{issue.key}}',
      group: 'PAM Linux Sysadmins',
      requestFor: 'reporter',
      hours: 2,
      ruleName: '{{rule.name}}',
    });
  });

  it('keeps the saved configuration of a Revoke action', async () => {
    configuring('revoke-okta-access', { issueKey: '{{issue.parent.key}}', ruleName: 'Resolved: end access' });
    await ui.show(<AutomationConfigForm />);
    expect(fields().map((d) => [d.props.name, d.props.value])).toEqual([
      ['issueKey', '{{issue.parent.key}}'],
      ['ruleName', 'Resolved: end access'],
    ]);
  });
});
