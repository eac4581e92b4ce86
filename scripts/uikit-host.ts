/**
 * The local UI Kit host (ADR 0028): the issue panel and the two custom fields — the real resources
 * named in manifest.yml, bundled for the browser as they are — run in hidden iframes with a bridge
 * shim, and the host page (static/admin/src/uikit, built to static/admin/build-uikit) renders the
 * ForgeDoc they send with Atlaskit components inside a mock Jira issue view. `invoke` comes back here
 * and runs the real UI resolver on the sandbox as the viewer; a field's `view.submit` writes the field
 * on the Jira emulator, which delivers the update event to the app like Jira would.
 *
 * Routes (mounted on the sandbox host server, scripts/serve-sandbox.ts):
 *   GET  /issue/<KEY>?as=<name|accountId>&theme=light|dark   the mock issue view
 *   GET  /__uikit/runtime/<resource>                          one extension's iframe (bridge shim + bundle)
 *   GET  /__uikit/bundle/<resource>.js                        the resource bundled by esbuild
 *   POST /__uikit/invoke                                      { as, moduleKey, extension, functionKey, payload }
 *   POST /__uikit/submit                                      { as, issueKey, fieldKey, value }
 *   GET  /uikit/*                                             the host page's assets
 */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { Sandbox } from '../sandbox';
import { SANDBOX_APP } from '../sandbox/runtime';

const ROOT = path.resolve(__dirname, '..');
export const UIKIT_BUILD_DIR = path.join(ROOT, 'static', 'admin', 'build-uikit');

/** The manifest's UI Kit modules on an issue: the panel and each custom field's view and edit. */
interface UiKitModules {
  /** resource key -> source path */
  resources: Record<string, string>;
  panel: { key: string; title: string; resource: string };
  fields: Array<{ key: string; name: string; view: string; edit: string }>;
}

/** The parts of manifest.yml the host reads (test/manifest.test.ts checks the manifest itself). */
interface ManifestShape {
  resources: Array<{ key: string; path: string }>;
  modules: {
    'jira:issuePanel': Array<{ key: string; title: string; resource: string }>;
    'jira:customField': Array<{ key: string; name: string; view: { resource: string }; edit: { resource: string } }>;
  };
}

function readModules(): UiKitModules {
  const m = parseYaml(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as ManifestShape;
  const resources: Record<string, string> = {};
  for (const r of m.resources) resources[r.key] = r.path;
  const panel = m.modules['jira:issuePanel'][0];
  return {
    resources,
    panel: { key: panel.key, title: panel.title, resource: panel.resource },
    fields: m.modules['jira:customField'].map((f) => ({
      key: f.key,
      name: f.name,
      view: f.view.resource,
      edit: f.edit.resource,
    })),
  };
}

/** What a test may do to the host's bridge: hold answers (a loading state) or fail them (a backend error). */
export interface UiKitControls {
  /** Holds every `invoke` until the returned release is called. */
  hold(): () => void;
  /** Fails the next `times` invokes as the platform does when the function fails (the bridge rejects). */
  failInvokes(times?: number): void;
  /** Invokes served so far (function keys), for assertions on what the UI asked. */
  readonly invokes: string[];
  /** Field values submitted through `view.submit`. */
  readonly submits: Array<{ fieldKey: string; value: unknown }>;
}

export interface UiKitHost extends UiKitControls {
  /** Serves the request if it is one of the host's routes; false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean>;
}

const FIELD_BY_MODULE: Record<string, 'accessType' | 'adminGroup'> = {
  'access-type': 'accessType',
  'admin-group': 'adminGroup',
};

export function createUiKitHost(
  sb: Sandbox,
  opts: { people: Record<string, string>; defaultViewer: string; buildDir?: string },
): UiKitHost {
  const buildDir = opts.buildDir ?? UIKIT_BUILD_DIR;
  const modules = readModules();
  const bundles = new Map<string, Promise<string>>();
  let held: Promise<void> | undefined;
  let failures = 0;
  const invokes: string[] = [];
  const submits: Array<{ fieldKey: string; value: unknown }> = [];
  let chain: Promise<unknown> = Promise.resolve();
  // One call at a time, as for the admin page: the sandbox delivers what a call causes before answering.
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const accountOf = (as: string | null | undefined): string => {
    if (!as) return opts.defaultViewer;
    return opts.people[as] ?? as;
  };

  function bundle(resource: string): Promise<string> {
    const source = modules.resources[resource];
    if (!source || !/\.tsx?$/.test(source)) return Promise.reject(new Error(`no UI Kit resource ${resource}`));
    let b = bundles.get(resource);
    if (!b) {
      // A dev dependency (the one tsx uses too); required here so the admin host alone does not load it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const esbuild = require('esbuild') as typeof import('esbuild');
      b = esbuild
        .build({
          entryPoints: [path.join(ROOT, source)],
          bundle: true,
          write: false,
          format: 'iife',
          platform: 'browser',
          target: 'es2020',
          jsx: 'automatic',
          logLevel: 'silent',
          define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
        })
        .then((r) => r.outputFiles[0].text);
      bundles.set(resource, b);
      b.catch(() => bundles.delete(resource));
    }
    return b;
  }

  function issueConfig(key: string, as: string, theme: string) {
    const issue = sb.jira.issue(key);
    const viewer = sb.jira.user(as);
    if (!viewer) throw new Error(`no Jira user ${as}`);
    const project = { id: '10000', key: issue.projectKey, type: 'software' };
    const issueCtx = { id: issue.id, key: issue.key, type: issue.issueType ?? 'Task', typeId: '10001' };
    const context = (moduleKey: string, type: string, extension: Record<string, unknown>) => ({
      accountId: as,
      cloudId: SANDBOX_APP.cloudId,
      siteUrl: SANDBOX_APP.siteUrl,
      environmentId: SANDBOX_APP.environmentId,
      environmentType: 'DEVELOPMENT',
      appVersion: SANDBOX_APP.appVersion,
      moduleKey,
      localId: `ari:cloud:ecosystem::extension/${SANDBOX_APP.appId}/${SANDBOX_APP.environmentId}/static/${moduleKey}`,
      locale: 'en-GB',
      timezone: viewer.timeZone,
      theme: { colorMode: theme },
      extension: { type, issue: issueCtx, project, ...extension },
    });
    const name = (id: string | null | undefined) => (id ? (sb.jira.user(id)?.displayName ?? id) : undefined);
    return {
      viewer: { accountId: as, displayName: viewer.displayName },
      theme,
      people: Object.entries(opts.people).map(([handle, accountId]) => ({
        handle,
        accountId,
        displayName: name(accountId),
      })),
      issue: {
        key: issue.key,
        summary: issue.summary,
        status: issue.status,
        projectKey: issue.projectKey,
        reporter: name(issue.reporter),
        assignee: name(issue.assignee),
        changeType: issue.fields.changeType ?? null,
        requestedEnd: issue.fields.requestedEnd ?? null,
      },
      panel: {
        title: modules.panel.title,
        resource: modules.panel.resource,
        context: context(modules.panel.key, 'jira:issuePanel', {}),
      },
      fields: modules.fields.map((f) => {
        const value = issue.fields[FIELD_BY_MODULE[f.key]] ?? null;
        return {
          key: f.key,
          name: f.name,
          view: {
            resource: f.view,
            context: context(f.key, 'jira:customField', {
              fieldValue: value,
              fieldType: 'string',
              renderContext: 'issue-view',
            }),
          },
          edit: {
            resource: f.edit,
            context: context(f.key, 'jira:customField', {
              fieldValue: value,
              fieldType: 'string',
              renderContext: 'issue-view',
            }),
          },
        };
      }),
    };
  }

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    send(res, status, 'application/json', JSON.stringify(body));
  async function readJson<T>(req: http.IncomingMessage): Promise<T> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const p = url.pathname;
    if (req.method === 'GET' && p.startsWith('/issue/')) {
      const index = path.join(buildDir, 'uikit.html');
      if (!fs.existsSync(index)) {
        send(res, 500, 'text/plain', `${index} is missing: run npm --prefix static/admin run build first`);
        return true;
      }
      const key = decodeURIComponent(p.slice('/issue/'.length));
      const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
      let config;
      try {
        config = issueConfig(key, accountOf(url.searchParams.get('as')), theme);
      } catch (e) {
        send(res, 404, 'text/plain', String((e as Error).message));
        return true;
      }
      const html = fs
        .readFileSync(index, 'utf8')
        .replace(/(src|href)="\.\//g, '$1="/uikit/')
        .replace(
          '<head>',
          `<head>\n<script>window.__UIKIT_CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};</script>`,
        )
        .replace('<html lang="en">', `<html lang="en" data-color-mode="${theme}">`);
      send(res, 200, 'text/html; charset=utf-8', html);
      return true;
    }
    if (req.method === 'GET' && p.startsWith('/uikit/')) {
      const file = path.resolve(buildDir, '.' + decodeURIComponent(p.slice('/uikit'.length)));
      if (!file.startsWith(buildDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        send(res, 404, 'text/plain', 'not found');
        return true;
      }
      const type = file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.css')
          ? 'text/css'
          : 'application/octet-stream';
      send(res, 200, type, fs.readFileSync(file));
      return true;
    }
    if (req.method === 'GET' && p.startsWith('/__uikit/runtime/')) {
      const resource = p.slice('/__uikit/runtime/'.length);
      send(res, 200, 'text/html; charset=utf-8', runtimePage(resource));
      return true;
    }
    if (req.method === 'GET' && p.startsWith('/__uikit/bundle/') && p.endsWith('.js')) {
      const resource = p.slice('/__uikit/bundle/'.length, -'.js'.length);
      try {
        send(res, 200, 'text/javascript; charset=utf-8', await bundle(resource));
      } catch (e) {
        send(res, 500, 'text/plain', String((e as Error).message));
      }
      return true;
    }
    if (req.method === 'POST' && p === '/__uikit/invoke') {
      const call = await readJson<{
        as?: string;
        moduleKey: string;
        extension?: Record<string, unknown>;
        functionKey: string;
        payload?: unknown;
      }>(req);
      invokes.push(call.functionKey);
      if (held) await held;
      if (failures > 0) {
        failures--;
        // What the bridge sees when the function fails or times out: the invoke rejects.
        json(res, 500, { error: 'The function failed.' });
        return true;
      }
      try {
        const result = await serialized(() =>
          sb.app.invoke(call.functionKey, call.payload ?? {}, {
            accountId: accountOf(call.as),
            moduleKey: call.moduleKey,
            extension: call.extension,
          }),
        );
        json(res, 200, { result });
      } catch (e) {
        console.error(`UI Kit host: ${call.functionKey} failed:`, e);
        json(res, 500, { error: 'The function failed.' });
      }
      return true;
    }
    if (req.method === 'POST' && p === '/__uikit/submit') {
      const s = await readJson<{
        as?: string;
        issueKey: string;
        fieldKey: string;
        value?: string | null;
        theme?: string;
      }>(req);
      const field = FIELD_BY_MODULE[s.fieldKey];
      if (!field) {
        json(res, 400, { error: `no custom field ${s.fieldKey}` });
        return true;
      }
      submits.push({ fieldKey: s.fieldKey, value: s.value });
      await serialized(() => sb.jira.updateFields(s.issueKey, { [field]: s.value ?? null }, accountOf(s.as)));
      json(res, 200, { config: issueConfig(s.issueKey, accountOf(s.as), s.theme === 'dark' ? 'dark' : 'light') });
      return true;
    }
    return false;
  }

  return {
    handle,
    invokes,
    submits,
    hold() {
      let release!: () => void;
      held = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        held = undefined;
        release();
      };
    },
    failInvokes(times = 1) {
      failures = times;
    },
  };
}

/**
 * One extension's iframe: the bridge the bundle reads at load (`self.__bridge`). Like the real one it
 * crosses a serialisation boundary: the ForgeDoc goes to the host as JSON with each function replaced
 * by its id, and the host calls a handler back by id with JSON arguments.
 */
function runtimePage(resource: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${resource}</title><script>
(function () {
  var handlers = new Map();
  var next = 0;
  function encode(v) {
    if (typeof v === 'function') {
      var id = v.__id__ || ('fn-' + (++next));
      handlers.set(id, v);
      return { __forgeFunction: id };
    }
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === 'object') {
      var o = {};
      for (var k in v) if (v[k] !== undefined) o[k] = encode(v[k]);
      return o;
    }
    return v;
  }
  var host = function () { return window.parent.__uikitHost; };
  var instance = new URLSearchParams(location.search).get('instance');
  window.__uikitCallback = function (id, argsJson) {
    var f = handlers.get(id);
    if (!f) throw new Error('no handler ' + id);
    return Promise.resolve(f.apply(null, JSON.parse(argsJson))).then(function () { return undefined; });
  };
  window.__bridge = {
    callBridge: function (cmd, data) {
      if (cmd === 'reconcile') {
        host().reconcile(instance, JSON.stringify(encode(data.forgeDoc)));
        return Promise.resolve();
      }
      return host().call(instance, cmd, JSON.stringify(data === undefined ? null : data)).then(function (r) {
        return r === undefined ? undefined : JSON.parse(r);
      });
    },
  };
})();
</script><script src="/__uikit/bundle/${resource}.js"></script></head><body></body></html>`;
}
