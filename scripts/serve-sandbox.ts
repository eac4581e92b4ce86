/**
 * `npm run sandbox` — the admin page in a real browser against the sandbox: the built Custom UI
 * (static/admin/build) in an iframe, like Jira shows it, with a `window.__bridge` that routes
 * `invoke` to the real resolver through the sandbox's Forge runtime (`sb.app.invoke`), as the signed-in
 * Jira admin. `startAdminHost` is also what the browser tests use.
 *
 *   npm run sandbox            seeded demo: Okta connected, groups allowlisted, a few grants running
 *   npm run sandbox -- --fresh people and groups only: connect Okta yourself on the first tab
 *   PORT=8080 npm run sandbox  fixed port (default: a free one)
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox } from '../sandbox';
import { SANDBOX_APP } from '../sandbox/runtime';
import { seedDemo, seedPeople, type DemoWorld } from '../sandbox/seed';
import { createUiKitHost, type UiKitControls } from './uikit-host';

export const ADMIN_BUILD_DIR = path.resolve(__dirname, '..', 'static', 'admin', 'build');
const MODULE_KEY = 'admin-page';

export interface AdminHost {
  url: string;
  appUrl: string;
  /** The mock issue view with the app's UI Kit panel and fields (scripts/uikit-host.ts, ADR 0028). */
  issueUrl(key: string, o?: { as?: string; theme?: 'light' | 'dark' }): string;
  /** Hold or fail the UI Kit extensions' invokes (loading and backend-error states). */
  uikit: UiKitControls;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** What `view.getContext()` answers on a Jira admin page. */
function adminContext(accountId: string, colorMode: 'light' | 'dark') {
  return {
    accountId,
    cloudId: SANDBOX_APP.cloudId,
    siteUrl: SANDBOX_APP.siteUrl,
    localId: `ari:cloud:ecosystem::extension/${SANDBOX_APP.appId}/${SANDBOX_APP.environmentId}/static/${MODULE_KEY}`,
    moduleKey: MODULE_KEY,
    environmentId: SANDBOX_APP.environmentId,
    environmentType: 'DEVELOPMENT',
    appVersion: SANDBOX_APP.appVersion,
    locale: 'en-US',
    timezone: 'UTC',
    theme: { colorMode },
    extension: { type: 'jira:adminPage' },
  };
}

/** Runs in the iframe before the bundle: the Custom UI bridge, speaking to this host over HTTP. */
const bridgeScript = (context: { theme: { colorMode: string } }) => `
window.__bridge = {
  callBridge: async function (cmd, data) {
    if (cmd === 'invoke') {
      const r = await fetch('/__bridge/invoke', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ functionKey: data.functionKey, payload: data.payload }) });
      const body = await r.json();
      if (!r.ok) throw new Error(body && body.error ? body.error : 'invoke failed');
      return body.result;
    }
    if (cmd === 'getContext') return ${JSON.stringify(context)};
    if (cmd === 'enableTheming') {
      // Like Jira: the theme the host page shows, set on the app's document for the design tokens.
      document.documentElement.setAttribute('data-color-mode', ${JSON.stringify(context.theme.colorMode)});
      return undefined;
    }
    if (cmd === 'createHistory') {
      // Like Jira: the page's route lives in the host page's URL (here its query), not the iframe's.
      const top = window.parent;
      const loc = () => ({ pathname: '/', search: top.location.search, hash: '', state: null });
      const to = (t) => (typeof t === 'string' ? t : (t && t.search) || '') || top.location.pathname;
      return {
        // Live, as Forge's history's location is: read after each push, not the one at creation.
        get location() {
          return loc();
        },
        push: (t) => top.history.pushState(null, '', to(t)),
        replace: (t) => top.history.replaceState(null, '', to(t)),
        listen: (cb) => {
          const on = () => cb(loc());
          top.addEventListener('popstate', on);
          return () => top.removeEventListener('popstate', on);
        },
      };
    }
    return undefined;
  },
};`;

/**
 * Serves the host page (/), the admin page (/app/) and the bridge endpoint. Calls are serialized:
 * the sandbox delivers the events a call causes before answering, like a quiet real site.
 */
export async function startAdminHost(
  sb: Sandbox,
  opts: {
    accountId: string;
    port?: number;
    buildDir?: string;
    /** People the issue view can be seen as (?as=<handle>); default the demo world's Jira users. */
    people?: Record<string, string>;
    /** Who sees the issue view when the URL names nobody (default: the admin). */
    issueViewer?: string;
  },
): Promise<AdminHost> {
  const buildDir = opts.buildDir ?? ADMIN_BUILD_DIR;
  const indexPath = path.join(buildDir, 'index.html');
  if (!fs.existsSync(indexPath))
    throw new Error(`${indexPath} is missing: run npm --prefix static/admin run build first`);
  const uikit = createUiKitHost(sb, {
    people: opts.people ?? { ada: opts.accountId },
    defaultViewer: opts.issueViewer ?? opts.accountId,
  });
  let chain: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (await uikit.handle(req, res, url)) return;
      if (req.method === 'POST' && url.pathname === '/__bridge/invoke') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        let call: { functionKey?: unknown; payload?: unknown };
        try {
          call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(400, 'application/json', JSON.stringify({ error: 'bad JSON' }));
        }
        if (typeof call.functionKey !== 'string')
          return send(400, 'application/json', JSON.stringify({ error: 'functionKey missing' }));
        const functionKey = call.functionKey;
        try {
          const result = await serialized(() =>
            sb.app.invoke(functionKey, call.payload ?? {}, {
              accountId: opts.accountId,
              moduleKey: MODULE_KEY,
              extension: { type: 'jira:adminPage' },
            }),
          );
          return send(200, 'application/json', JSON.stringify({ result }));
        } catch (e) {
          // Like Forge: a resolver that throws fails the invoke; the page shows its generic error.
          console.error(`admin host: ${functionKey} failed:`, e);
          return send(500, 'application/json', JSON.stringify({ error: 'The resolver failed.' }));
        }
      }
      if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
      // ?theme=dark on the host page: Jira's dark theme, which the app reads from its context.
      const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
      if (url.pathname === '/') return send(200, TYPES['.html'], hostPage(theme));
      if (url.pathname === '/app/' || url.pathname === '/app/index.html') {
        const html = fs
          .readFileSync(indexPath, 'utf8')
          .replace('<head>', `<head>\n<script>${bridgeScript(adminContext(opts.accountId, theme))}</script>`);
        return send(200, TYPES['.html'], html);
      }
      if (url.pathname.startsWith('/app/')) {
        const file = path.resolve(buildDir, '.' + decodeURIComponent(url.pathname.slice('/app'.length)));
        if (!file.startsWith(buildDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile())
          return send(404, 'text/plain', 'not found');
        return send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
      }
      return send(404, 'text/plain', 'not found');
    })().catch((e) => {
      console.error(e);
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    appUrl: `${url}app/`,
    issueUrl: (key, o = {}) => {
      const q = new URLSearchParams();
      if (o.as) q.set('as', o.as);
      if (o.theme) q.set('theme', o.theme);
      return `${url}issue/${encodeURIComponent(key)}${q.size > 0 ? `?${q}` : ''}`;
    },
    uikit,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A stand-in for Jira's chrome around an admin page, so the iframe sits where it would. */
function hostPage(theme: 'light' | 'dark'): string {
  // Jira's chrome in the theme's colours (light / dark surface, text, border).
  const c =
    theme === 'dark'
      ? { page: '#1d2125', bar: '#22272b', text: '#b6c2cf', strong: '#dee4ea', border: '#a6c5e229' }
      : { page: '#f7f8f9', bar: '#ffffff', text: '#44546f', strong: '#172b4d', border: '#dfe1e6' };
  return `<!doctype html><html lang="en" data-color-mode="${theme}"><head><meta charset="utf-8"><title>Okta JIT Access · Jira settings (sandbox)</title>
<style>body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;background:${c.page}}
header{background:${c.bar};border-bottom:1px solid ${c.border};padding:10px 20px;font-size:14px;color:${c.text}}
header strong{color:${c.strong}}iframe{border:0;width:100%;min-height:calc(100vh - 42px);display:block;background:${c.page}}</style></head>
<body><header><strong>Jira settings</strong> › Apps › Okta JIT Access <em>(local sandbox: ${SANDBOX_APP.siteUrl})</em></header>
<iframe id="forge-admin-page" title="Okta JIT Access admin page" src="/app/${theme === 'dark' ? '?theme=dark' : ''}" sandbox="allow-downloads allow-forms allow-modals allow-same-origin allow-scripts allow-popups"></iframe>
<script>
// Jira grows a Custom UI iframe to its content; do the same so the whole page scrolls (and screenshots show it all).
const frame = document.getElementById('forge-admin-page');
frame.addEventListener('load', () => {
  // Measure the app's root, not the body: the body is as tall as the iframe, which would feed back.
  const root = frame.contentDocument.getElementById('root');
  const fit = () => { frame.style.height = Math.max(window.innerHeight - 42, root.getBoundingClientRect().height + 16) + 'px'; };
  new ResizeObserver(fit).observe(root);
  fit();
});
</script></body></html>`;
}

/** A few requests so the dashboard, the chart and the audit trail have something to show. */
async function playDemoRequests(sb: Sandbox, w: DemoWorld): Promise<void> {
  const raise = (summary: string, reporter: string, fields: Record<string, string>) =>
    sb.jira.createIssue({ projectKey: w.projectKey, summary, reporter, fields });
  await raise('Patch Windows jump hosts', w.jira.alice, {
    changeType: 'Standard',
    accessType: 'New access',
    adminGroup: w.groups.windows,
  });
  await sb.clock.advance(40 * 60_000);
  await raise('Urgent Linux work', w.jira.neville, {
    changeType: 'Emergency',
    accessType: 'New access',
    adminGroup: w.groups.linux,
  });
  await sb.clock.advance(20 * 60_000);
  await raise('DB index rebuild', w.jira.neville, {
    changeType: 'Normal',
    accessType: 'New access',
    adminGroup: w.groups.database,
  });
  await sb.clock.advance(5 * 60_000);
}

async function main() {
  const fresh = process.argv.includes('--fresh');
  const sb = await createSandbox();
  const world = fresh ? seedPeople(sb) : await seedDemo(sb);
  if (!fresh) await playDemoRequests(sb, world);
  // An issue for the panel: the first demo request, or (fresh) an issue that is not a request yet.
  const issueKey = fresh
    ? (
        await sb.jira.createIssue({
          projectKey: world.projectKey,
          summary: 'Try the Okta access panel',
          reporter: world.jira.neville,
        })
      ).key
    : `${world.projectKey}-1`;
  const host = await startAdminHost(sb, {
    accountId: world.jira.ada,
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    people: { ...world.jira },
    issueViewer: fresh ? world.jira.neville : world.jira.alice,
  });
  console.log(`Okta JIT Access admin page (sandbox, signed in as Ada Admin): ${host.url}`);
  // The demo's first request is Alice's (playDemoRequests); the fresh issue is Neville's.
  const requester = fresh ? 'neville' : 'alice';
  console.log(
    `Issue ${issueKey} with the Okta access panel and fields (UI Kit host, as its requester; links on the page switch person and theme): ${host.issueUrl(issueKey, { as: requester })}`,
  );
  console.log(`Dark theme: add ?theme=dark to either URL.`);
  console.log(`Okta emulator: domain ${sb.okta.domain}, API token ${sb.okta.apiToken}`);
  console.log(
    fresh
      ? 'Fresh install: connect Okta on the first tab with the domain and token above.'
      : 'Demo data: three groups allowlisted, three grants running. Ctrl-C to stop.',
  );
  const stop = async () => {
    await host.close();
    await sb.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
