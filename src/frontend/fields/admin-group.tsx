/**
 * Admin group field: stores the Okta group id, offers only allowlisted groups by display name, and
 * warns when a stored group has since left the allowlist. The backend never trusts this field.
 */
import React, { useCallback, useEffect, useState } from 'react';
import { Inline, Lozenge, Select, Spinner, Stack, Text, useProductContext } from '@forge/react';
import { CustomFieldEdit } from '@forge/react/jira';
import { view } from '@forge/bridge';
import { FIELD_KEYS, type GroupNameDto, type GroupOptionDto } from '../../shared/panel-contract';
import { call, messageOf } from '../shared/api';
import type { Option } from './access-type';

const fieldValueOf = (ctx: ReturnType<typeof useProductContext>): string | undefined => {
  const v = (ctx?.extension as { fieldValue?: unknown } | undefined)?.fieldValue;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export function AdminGroupEdit() {
  const ctx = useProductContext();
  const [groups, setGroups] = useState<GroupOptionDto[]>();
  const [error, setError] = useState<string>();
  const [value, setValue] = useState<string | null>(null);

  useEffect(() => {
    setValue(fieldValueOf(ctx) ?? null);
  }, [ctx]);
  useEffect(() => {
    call<GroupOptionDto[]>(FIELD_KEYS.groups).then(setGroups, (e) => setError(messageOf(e)));
  }, []);

  const options: Option[] = (groups ?? []).map((g) => ({ label: g.displayName, value: g.groupId }));
  // A stored group that left the allowlist stays visible (so the edit does not silently clear it).
  if (value && groups && !options.some((o) => o.value === value))
    options.push({ label: `${value} (no longer allowlisted)`, value });

  const onSubmit = useCallback(async () => {
    await view.submit(value);
  }, [value]);

  return (
    <CustomFieldEdit onSubmit={onSubmit} hideActionButtons>
      <Stack space="space.050">
        <Select
          inputId="admin-group"
          options={options}
          value={options.find((o) => o.value === value) ?? null}
          onChange={(o: Option | null) => setValue(o?.value ?? null)}
          placeholder={
            groups && groups.length === 0 ? 'No groups are allowlisted yet' : 'Choose the Okta group you need'
          }
          isLoading={!groups && !error}
          isDisabled={!!error}
          isClearable
        />
        {error && <Text color="color.text.danger">{`The list of groups could not be loaded: ${error}`}</Text>}
        {groups && groups.length === 0 && (
          <Text size="small">A Jira admin must allowlist groups in the Okta JIT Access admin page first.</Text>
        )}
      </Stack>
    </CustomFieldEdit>
  );
}

export function AdminGroupView() {
  const ctx = useProductContext();
  const groupId = fieldValueOf(ctx);
  const [name, setName] = useState<GroupNameDto>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!groupId) return;
    call<GroupNameDto>(FIELD_KEYS.groupName, { groupId }).then(setName, (e) => setError(messageOf(e)));
  }, [groupId]);

  if (!ctx) return <Spinner size="small" label="Loading" />;
  if (!groupId) return <Text>None</Text>;
  if (error) return <Text>{groupId}</Text>;
  if (!name) return <Spinner size="small" label="Loading group name" />;
  return (
    <Inline space="space.100" alignBlock="center">
      <Text>{name.displayName}</Text>
      {!name.allowlisted && <Lozenge appearance="moved">Not allowlisted</Lozenge>}
    </Inline>
  );
}
