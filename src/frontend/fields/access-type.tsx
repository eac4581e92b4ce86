/**
 * Access type field: a select of exactly the three request kinds. The manifest's validation
 * expression rejects anything else on every write path (REST, bulk edit), not just this UI.
 */
import React, { useCallback, useEffect, useState } from 'react';
import { Select, Text, useProductContext } from '@forge/react';
import { CustomFieldEdit } from '@forge/react/jira';
import { view } from '@forge/bridge';
import { ACCESS_TYPE_OPTIONS } from '../../shared/panel-contract';

export interface Option {
  label: string;
  value: string;
}
const OPTIONS: Option[] = ACCESS_TYPE_OPTIONS.map((v) => ({ label: v, value: v }));

const fieldValueOf = (ctx: ReturnType<typeof useProductContext>): unknown =>
  (ctx?.extension as { fieldValue?: unknown } | undefined)?.fieldValue;

export function AccessTypeEdit() {
  const ctx = useProductContext();
  const [value, setValue] = useState<string | null>(null);
  useEffect(() => {
    const current = fieldValueOf(ctx);
    setValue(
      typeof current === 'string' && (ACCESS_TYPE_OPTIONS as readonly string[]).includes(current) ? current : null,
    );
  }, [ctx]);

  // Jira stores what view.submit sends; null clears the field.
  const onSubmit = useCallback(async () => {
    await view.submit(value);
  }, [value]);

  return (
    <CustomFieldEdit onSubmit={onSubmit} hideActionButtons>
      <Select
        inputId="access-type"
        options={OPTIONS}
        value={OPTIONS.find((o) => o.value === value) ?? null}
        onChange={(o: Option | null) => setValue(o?.value ?? null)}
        placeholder="New access, Extend access or View access"
        isClearable
        isLoading={!ctx}
      />
    </CustomFieldEdit>
  );
}

export function AccessTypeView() {
  const ctx = useProductContext();
  const value = fieldValueOf(ctx);
  if (!ctx) return <Text>…</Text>;
  return <Text>{typeof value === 'string' && value !== '' ? value : 'None'}</Text>;
}
