/**
 * The local UI Kit host page (ADR 0028): a mock Jira issue view holding the app's issue panel and its
 * two custom fields. Each UI Kit resource runs in a hidden iframe (/__uikit/runtime/<resource>) whose
 * bridge calls `window.__uikitHost`; this page answers getContext from the server's config, forwards
 * invoke and submit to the sandbox, and renders the ForgeDoc it receives with Atlaskit (render.tsx).
 */
import '@atlaskit/css-reset';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';
import { token } from '@atlaskit/tokens';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { DocNode, type ForgeDoc, type RenderEnv } from './render';
import './uikit.css';

interface ExtensionConfig {
  resource: string;
  context: { moduleKey: string; extension: Record<string, unknown> } & Record<string, unknown>;
}
interface HostConfig {
  viewer: { accountId: string; displayName: string };
  theme: 'light' | 'dark';
  people: Array<{ handle: string; accountId: string; displayName?: string }>;
  issue: {
    key: string;
    summary: string;
    status: string;
    projectKey: string;
    reporter?: string;
    assignee?: string;
    changeType: string | null;
    requestedEnd: string | null;
  };
  panel: ExtensionConfig & { title: string };
  fields: Array<{ key: string; name: string; view: ExtensionConfig; edit: ExtensionConfig }>;
}

interface Instance {
  context: ExtensionConfig['context'];
  setDoc(doc: ForgeDoc): void;
  onSubmit?(value: unknown): Promise<void>;
}

declare global {
  interface Window {
    __UIKIT_CONFIG: HostConfig;
    __uikitHost: {
      reconcile(id: string, json: string): void;
      call(id: string, cmd: string, json: string): Promise<string | undefined>;
    };
    /** Bridge calls the extensions made, for tests: [instance resource, command]. */
    __uikitCalls: Array<[string, string]>;
  }
}

const config = window.__UIKIT_CONFIG;
const instances = new Map<string, Instance & { resource: string }>();
window.__uikitCalls = [];

window.__uikitHost = {
  reconcile(id, json) {
    instances.get(id)?.setDoc(JSON.parse(json) as ForgeDoc);
  },
  async call(id, cmd, json) {
    const inst = instances.get(id);
    if (!inst) throw new Error(`UI Kit host: unknown extension ${id}`);
    window.__uikitCalls.push([inst.resource, cmd]);
    const data = JSON.parse(json) as { functionKey?: string; payload?: unknown } | null;
    switch (cmd) {
      case 'getContext':
        return JSON.stringify(inst.context);
      case 'invoke': {
        const r = await fetch('/__uikit/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            as: config.viewer.accountId,
            moduleKey: inst.context.moduleKey,
            extension: inst.context.extension,
            functionKey: data?.functionKey,
            payload: data?.payload,
          }),
        });
        const body = await r.json();
        if (!r.ok) throw new Error(body.error ?? 'invoke failed');
        return JSON.stringify(body.result);
      }
      case 'submit':
        if (!inst.onSubmit) return JSON.stringify(false);
        await inst.onSubmit(data);
        return JSON.stringify(true);
      case 'onError':
        console.error(`UI Kit extension ${inst.resource} failed:`, data);
        return undefined;
      default:
        // enableTheming, changeWindowTitle, ...: nothing for this host to do.
        return undefined;
    }
  },
};

let nextId = 0;

/** One UI Kit extension: its hidden runtime iframe and the ForgeDoc it last sent, rendered. */
function Extension(props: {
  ext: ExtensionConfig;
  label: string;
  field?: RenderEnv['field'];
  onSubmit?: (value: unknown) => Promise<void>;
}) {
  const [doc, setDoc] = useState<ForgeDoc>();
  const frame = useRef<HTMLIFrameElement>(null);
  // Registered before the iframe exists, so its first bridge call finds it.
  const [id] = useState(() => {
    const id = `ext-${++nextId}`;
    instances.set(id, { resource: props.ext.resource, context: props.ext.context, setDoc, onSubmit: props.onSubmit });
    return id;
  });
  useEffect(() => {
    const inst = instances.get(id);
    if (inst) Object.assign(inst, { context: props.ext.context, onSubmit: props.onSubmit });
  });
  useEffect(() => () => void instances.delete(id), [id]);
  const env: RenderEnv = {
    field: props.field,
    callback: async (fnId, args) => {
      const w = frame.current?.contentWindow as
        (Window & { __uikitCallback?: (id: string, args: string) => Promise<void> }) | null;
      await w?.__uikitCallback?.(fnId, JSON.stringify(args));
    },
  };
  return (
    <div className="uikit-extension" data-testid={`uikit-${props.ext.resource}`} data-rendered={doc ? 'yes' : 'no'}>
      {doc && <DocNode doc={doc} env={env} />}
      <iframe ref={frame} hidden title={props.label} src={`/__uikit/runtime/${props.ext.resource}?instance=${id}`} />
    </div>
  );
}

function Field({ field, onSaved }: { field: HostConfig['fields'][number]; onSaved: (c: HostConfig) => void }) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const back = () => {
    setEditing(false);
    setTimeout(() => editButton.current?.focus(), 0);
  };
  const submit = async (value: unknown) => {
    const r = await fetch('/__uikit/submit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        as: config.viewer.accountId,
        issueKey: config.issue.key,
        fieldKey: field.key,
        value,
        theme: config.theme,
      }),
    });
    if (!r.ok) throw new Error('submit failed');
    onSaved(((await r.json()) as { config: HostConfig }).config);
  };
  const labelId = `field-${field.key}-label`;
  return (
    <div className="detail-row" role="group" aria-labelledby={labelId} data-testid={`field-${field.key}`}>
      <div className="detail-label" id={labelId}>
        {field.name}
      </div>
      <div className="detail-value">
        {editing ? (
          <Extension
            key="edit"
            ext={field.edit}
            label={`${field.name} (edit)`}
            field={{ name: field.name, onSubmitted: back, onCancel: back }}
            onSubmit={submit}
          />
        ) : (
          <div className="field-view">
            <Extension
              key={`view-${JSON.stringify(field.view.context.extension.fieldValue)}`}
              ext={field.view}
              label={field.name}
            />
            <Button ref={editButton} spacing="compact" appearance="subtle" onClick={() => setEditing(true)}>
              {`Edit ${field.name}`}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail-row">
      <div className="detail-label">{label}</div>
      <div className="detail-value">{children}</div>
    </div>
  );
}

function IssueView() {
  const [cfg, setCfg] = useState(config);
  const { issue } = cfg;
  const here = new URL(window.location.href);
  const as = (accountId: string) => {
    const u = new URL(here);
    u.searchParams.set('as', accountId);
    return u.pathname + u.search;
  };
  const other = new URL(here);
  other.searchParams.set('theme', cfg.theme === 'dark' ? 'light' : 'dark');
  return (
    <>
      <header className="jira-top">
        <strong>Jira</strong>
        <span className="crumbs">{`Projects / ${issue.projectKey} / ${issue.key}`}</span>
        <span className="sandbox-note">(local UI Kit host)</span>
        <nav aria-label="Sandbox" className="viewer">
          <span>{`Viewing as ${cfg.viewer.displayName}`}</span>
          {cfg.people
            .filter((p) => p.accountId !== cfg.viewer.accountId)
            .map((p) => (
              <a key={p.accountId} href={as(p.accountId)}>{`as ${p.displayName ?? p.handle}`}</a>
            ))}
          <a href={other.pathname + other.search}>{cfg.theme === 'dark' ? 'Light theme' : 'Dark theme'}</a>
        </nav>
      </header>
      <main className="issue">
        <div className="issue-main">
          <Heading size="large" as="h1">
            {issue.summary}
          </Heading>
          <p className="issue-key">{issue.key}</p>
          <section aria-labelledby="panel-title" className="panel" data-testid="issue-panel">
            <div className="panel-header">
              <Heading size="small" as="h2" id="panel-title">
                {cfg.panel.title}
              </Heading>
            </div>
            <Extension ext={cfg.panel} label={`${cfg.panel.title} panel`} />
          </section>
        </div>
        <aside className="issue-side" aria-labelledby="details-title">
          <div className="status">
            <Lozenge appearance="inprogress">{issue.status}</Lozenge>
          </div>
          <section className="details">
            <Heading size="xsmall" as="h2" id="details-title">
              Details
            </Heading>
            <Detail label="Reporter">{issue.reporter ?? 'None'}</Detail>
            <Detail label="Assignee">{issue.assignee ?? 'Unassigned'}</Detail>
            <Detail label="Change type">{issue.changeType ?? 'None'}</Detail>
            <Detail label="Requested end">{issue.requestedEnd ?? 'None'}</Detail>
            {cfg.fields.map((f) => (
              <Field key={f.key} field={f} onSaved={setCfg} />
            ))}
          </section>
        </aside>
      </main>
      <footer className="host-foot" style={{ color: token('color.text.subtlest', '#626F86') }}>
        Rendered by the local UI Kit host from the app&apos;s ForgeDoc; not Jira.
      </footer>
    </>
  );
}

void setGlobalTheme({ colorMode: config.theme });

// No StrictMode: its double mount would register each extension twice (and its runtime iframe with it).
createRoot(document.getElementById('root')!).render(<IssueView />);
