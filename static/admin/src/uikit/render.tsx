/**
 * ForgeDoc -> Atlaskit, for the local UI Kit host (ADR 0028). Jira's UI Kit renderer does this job on
 * a real site: each ForgeDoc node names a UI Kit component and carries its props; functions arrive as
 * ids (`{ __forgeFunction }`) the renderer calls back with serialisable arguments. Only the components
 * the app uses are mapped; any other type is shown as a visible error so a new one cannot slip by.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- ForgeDoc props are whatever the app passed its
   UI Kit components; they go to the Atlaskit component of the same name, whose own types apply there. */
import Button from '@atlaskit/button/new';
import { ButtonGroup } from '@atlaskit/button';
import Checkbox from '@atlaskit/checkbox';
import DynamicTable from '@atlaskit/dynamic-table';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { Fragment, useRef, type FormEvent, type ReactNode } from 'react';

export interface ForgeDoc {
  type: string;
  props: Record<string, any>;
  children: ForgeDoc[];
  key?: string;
}

/** Calls an app handler (a function id) in the extension's runtime with JSON arguments. */
export type Callback = (fnId: string, args: unknown[]) => Promise<void>;

export interface RenderEnv {
  callback: Callback;
  /** Custom field edit: what the host does on submit / cancel (Jira's inline edit). */
  field?: { name: string; onSubmitted: () => void; onCancel: () => void };
}

const fnId = (v: unknown): string | undefined =>
  v && typeof v === 'object' && '__forgeFunction' in v
    ? String((v as { __forgeFunction: string }).__forgeFunction)
    : undefined;

function handler(env: RenderEnv, v: unknown, map: (...a: any[]) => unknown[] = () => []) {
  const id = fnId(v);
  if (!id) return undefined;
  return (...a: any[]) => {
    void env.callback(id, JSON.parse(JSON.stringify(map(...a))));
  };
}

function kids(doc: ForgeDoc, env: RenderEnv): ReactNode {
  return doc.children.map((c, i) => <DocNode key={c.key ?? `${c.type}-${i}`} doc={c} env={env} />);
}

function textOf(doc: ForgeDoc): string {
  if (doc.type === 'String') return String(doc.props.text ?? '');
  return doc.children.map(textOf).join('');
}

/** ContentWrapper children by name (DynamicTable's head and rows). */
const wrapped = (doc: ForgeDoc, name: string): ForgeDoc[] =>
  doc.children.find((c) => c.type === 'ContentWrapper' && c.props.name === name)?.children ?? [];

export function DocNode({ doc, env }: { doc: ForgeDoc; env: RenderEnv }): ReactNode {
  const p = doc.props;
  switch (doc.type) {
    case 'Root':
    case 'ContentWrapper':
      return <>{kids(doc, env)}</>;
    case 'String':
      return p.text;
    case 'Text':
      return (
        <Text as="p" size={p.size} weight={p.weight} color={p.color} align={p.align} maxLines={p.maxLines}>
          {kids(doc, env)}
        </Text>
      );
    case 'Heading':
      return (
        <Heading size={p.size ?? 'medium'} as={p.as}>
          {kids(doc, env)}
        </Heading>
      );
    case 'Stack':
      return (
        <Stack space={p.space} alignInline={p.alignInline} alignBlock={p.alignBlock} grow={p.grow}>
          {kids(doc, env)}
        </Stack>
      );
    case 'Inline':
      return (
        <Inline
          space={p.space}
          rowSpace={p.rowSpace}
          alignBlock={p.alignBlock}
          alignInline={p.alignInline}
          shouldWrap={p.shouldWrap}
          spread={p.spread}
          grow={p.grow}
        >
          {kids(doc, env)}
        </Inline>
      );
    case 'Button':
      return (
        <Button
          appearance={p.appearance}
          isDisabled={p.isDisabled}
          spacing={p.spacing}
          shouldFitContainer={p.shouldFitContainer}
          type={p.type ?? 'button'}
          onClick={handler(env, p.onClick)}
        >
          {kids(doc, env)}
        </Button>
      );
    case 'ButtonGroup':
      // In a row of its own, so a Stack around it does not stretch the buttons to its width.
      return (
        <div style={{ display: 'flex' }}>
          <ButtonGroup label={p.label}>{kids(doc, env)}</ButtonGroup>
        </div>
      );
    case 'Lozenge':
      return (
        <Lozenge appearance={p.appearance} isBold={p.isBold}>
          {textOf(doc)}
        </Lozenge>
      );
    case 'SectionMessage':
      return (
        <SectionMessage appearance={p.appearance} title={p.title}>
          <Stack space="space.100">{kids(doc, env)}</Stack>
        </SectionMessage>
      );
    case 'Spinner':
      return <Spinner size={p.size} label={p.label} />;
    case 'Link':
      return (
        <a href={p.href} target={p.openNewTab ? '_blank' : undefined} rel="noreferrer">
          {kids(doc, env)}
        </a>
      );
    case 'Label':
      return (
        <Label htmlFor={p.labelFor} id={p.id}>
          {kids(doc, env)}
        </Label>
      );
    case 'Checkbox':
      // UI Kit documents the change handler's argument as the event, read through `currentTarget`
      // (checked, value, name): that much crosses the bridge as JSON.
      return (
        <Checkbox
          id={p.id}
          name={p.name}
          value={p.value}
          label={p.label}
          isChecked={p.isChecked}
          defaultChecked={p.defaultChecked}
          isDisabled={p.isDisabled}
          isInvalid={p.isInvalid}
          isRequired={p.isRequired}
          isIndeterminate={p.isIndeterminate}
          aria-invalid={p['aria-invalid']}
          aria-labelledby={p['aria-labelledby']}
          onChange={handler(env, p.onChange, (e) => {
            const t = { checked: e.currentTarget.checked, value: e.currentTarget.value, name: e.currentTarget.name };
            return [{ currentTarget: t, target: t }];
          })}
        />
      );
    case 'ErrorMessage':
      return <ErrorMessage>{kids(doc, env)}</ErrorMessage>;
    case 'HelperMessage':
      return <HelperMessage>{kids(doc, env)}</HelperMessage>;
    case 'TextArea':
      return (
        <TextArea
          id={p.id}
          name={p.name}
          value={p.value}
          isRequired={p.isRequired}
          isInvalid={p.isInvalid}
          aria-invalid={p['aria-invalid']}
          isDisabled={p.isDisabled}
          maxLength={p.maxLength}
          placeholder={p.placeholder}
          onChange={handler(env, p.onChange, (e) => [{ target: { value: e.target.value } }])}
        />
      );
    case 'Select':
      return (
        <Select
          inputId={p.inputId}
          options={p.options}
          value={p.value}
          placeholder={p.placeholder}
          isClearable={p.isClearable}
          isLoading={p.isLoading}
          isDisabled={p.isDisabled}
          isMulti={p.isMulti}
          aria-label={p['aria-label'] ?? env.field?.name}
          onChange={handler(env, p.onChange, (o) => [o ?? null])}
        />
      );
    case 'DynamicTable':
      return <Table doc={doc} env={env} />;
    case 'CustomFieldEdit':
      return <FieldEdit doc={doc} env={env} />;
    default:
      return (
        <span role="alert" style={{ color: token('color.text.danger', '#AE2E24') }}>
          {`UI Kit host: no renderer for ${doc.type}`}
        </span>
      );
  }
}

function Table({ doc, env }: { doc: ForgeDoc; env: RenderEnv }) {
  const p = doc.props;
  const cells = (row: ForgeDoc) =>
    row.children.map((c) => ({
      key: String(c.props.cellKey),
      content: <Fragment>{kids(c, env)}</Fragment>,
    }));
  const head = wrapped(doc, 'head');
  return (
    <div className="table-scroll">
      <DynamicTable
        caption={p.caption}
        label={p.label}
        isLoading={p.isLoading}
        emptyView={p.emptyView}
        head={head.length > 0 ? { cells: cells({ ...doc, children: head }) } : undefined}
        rows={wrapped(doc, 'rows').map((r) => ({ key: String(r.props.rowKey), cells: cells(r) }))}
      />
    </div>
  );
}

/**
 * Jira's inline edit around a custom field's edit resource: Enter submits, Escape cancels, and — the
 * default, unless `disableSubmitOnBlur` — moving focus out of the field submits. The confirm and cancel
 * buttons show unless `hideActionButtons`.
 */
function FieldEdit({ doc, env }: { doc: ForgeDoc; env: RenderEnv }) {
  const p = doc.props;
  const ref = useRef<HTMLFormElement>(null);
  const done = useRef(false);
  const submit = async () => {
    if (done.current) return;
    done.current = true;
    const id = fnId(p.onSubmit);
    if (id) await env.callback(id, []);
    env.field?.onSubmitted();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };
  return (
    <form
      ref={ref}
      onSubmit={onSubmit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          done.current = true;
          env.field?.onCancel();
        }
      }}
      onBlur={(e) => {
        if (p.disableSubmitOnBlur) return;
        const next = e.relatedTarget as HTMLElement | null;
        // Focus moving inside the field (Select's input, the buttons) is not leaving it.
        if (next && ref.current?.contains(next)) return;
        void submit();
      }}
    >
      {kids(doc, env)}
      {!p.hideActionButtons && (
        <Inline space="space.050" alignInline="end">
          <Button type="submit" appearance="primary" spacing="compact">
            Save
          </Button>
          <Button spacing="compact" onClick={() => env.field?.onCancel()}>
            Cancel
          </Button>
        </Inline>
      )}
    </form>
  );
}
