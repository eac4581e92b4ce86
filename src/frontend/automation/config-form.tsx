/**
 * The configuration form Automation shows when a rule adds one of the app's actions (ADR 0026). Forge's
 * automation-action reference: the form starts from `extension.data.inputs`, and every change is sent
 * with `view.submit` so Automation keeps it (its Next button stays disabled until something is
 * submitted). Values may be smart values (`{{issue.key}}`), which Automation resolves at run time.
 * Only the inputs the manifest declares for the action are sent: Automation rejects any other.
 */
import React, { useState } from 'react';
import { Form, Label, Stack, Text, Textfield, useProductContext } from '@forge/react';
import { view } from '@forge/bridge';

interface Field {
  name: string;
  label: string;
  hint: string;
  initial?: string;
}

const ISSUE: Field = { name: 'issueKey', label: 'Issue key', hint: 'Usually {{issue.key}}', initial: '{{issue.key}}' };
const RULE: Field = { name: 'ruleName', label: 'Rule name', hint: 'For the audit trail', initial: '{{rule.name}}' };

/** The inputs of each action, as manifest.yml declares them. */
export const FIELDS_BY_ACTION: Record<string, Field[]> = {
  'request-okta-access': [
    ISSUE,
    { name: 'group', label: 'Okta group', hint: 'An allowlisted group, e.g. PAM Linux Sysadmins' },
    { name: 'requestFor', label: 'Request for', hint: 'reporter or assignee', initial: 'reporter' },
    { name: 'hours', label: 'Hours', hint: 'Never more than the group allows' },
    { name: 'changeType', label: 'Change type', hint: "Empty: the issue's own value" },
    RULE,
  ],
  'extend-okta-access': [ISSUE, RULE],
  'revoke-okta-access': [ISSUE, RULE],
};

type Values = Record<string, string | number>;

function withDefaults(fields: Field[], saved: Values | undefined): Values {
  const values: Values = {};
  for (const f of fields) {
    const v = saved?.[f.name] ?? f.initial;
    if (v !== undefined && v !== '') values[f.name] = v;
  }
  return values;
}

/** `hours` is declared an integer: send a number, or leave it out when empty. */
function toInputs(values: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === '') continue;
    out[k] = k === 'hours' && /^\d+$/.test(String(v)) ? Number(v) : v;
  }
  return out;
}

export function AutomationConfigForm() {
  const ctx = useProductContext();
  const moduleKey = (ctx as { moduleKey?: string } | undefined)?.moduleKey ?? '';
  const fields = FIELDS_BY_ACTION[moduleKey];
  const saved = (ctx?.extension as { data?: { inputs?: Values } } | undefined)?.data?.inputs;
  const [values, setValues] = useState<Values | undefined>(undefined);
  if (!ctx) return <Text>Loading…</Text>;
  if (!fields) return <Text>This action is not known to the Okta JIT Access app.</Text>;
  const current = values ?? withDefaults(fields, saved);
  const change = (name: string, value: string) => {
    const next = { ...current, [name]: value };
    setValues(next);
    void view.submit(toInputs(next));
  };
  return (
    <Form onSubmit={() => void view.submit(toInputs(current))}>
      <Stack space="space.100">
        {fields.map((f) => (
          <Stack key={f.name} space="space.050">
            <Label labelFor={`okta-${f.name}`}>{f.label}</Label>
            <Textfield
              id={`okta-${f.name}`}
              name={f.name}
              value={String(current[f.name] ?? '')}
              placeholder={f.hint}
              onChange={(e) => change(f.name, String(e.target.value ?? ''))}
            />
          </Stack>
        ))}
      </Stack>
    </Form>
  );
}
