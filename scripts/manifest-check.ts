/**
 * The offline equivalent of `forge lint` + deploy-time manifest validation, using Atlassian's own
 * validators: full manifest schema, product-trigger scopes, and the client-side linters (handlers,
 * permissions against the Jira OpenAPI, function timeouts). No login, no network.
 * Run: `npm run check:manifest` (also part of `npm test`).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const SWAGGER_DIR = path.resolve(__dirname, '..', 'test', 'fixtures', 'swagger');

export interface ManifestProblem {
  check: string;
  message: string;
  where?: string;
}

export async function checkManifest(appDir: string): Promise<ManifestProblem[]> {
  const manifestPath = path.join(appDir, 'manifest.yml');
  const problems: ManifestProblem[] = [];
  const { ProcessorBuilder, ValidationTypes } = await import('@forge/manifest');
  for (const [check, type] of [
    ['manifest', ValidationTypes.FULL],
    ['product-trigger-scopes', ValidationTypes.PRODUCT_TRIGGER],
  ] as const) {
    const result = await ProcessorBuilder.instance()
      .withValidation(type)
      .withOptions({ deprecatedRuntimes: [] })
      .build()
      .process(manifestPath);
    for (const e of result.errors ?? []) problems.push({ check, message: e.message, where: `manifest.yml:${e.line}` });
    if (!result.success && (result.errors ?? []).length === 0)
      problems.push({ check, message: 'validation failed without details' });
  }
  if (problems.length > 0) return problems; // the linters need a manifest that parses

  // The permission linter reads local OpenAPI files when USE_LOCAL_SWAGGER is set; only Jira matters here.
  const stub = path.join(SWAGGER_DIR, 'empty.json');
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: path.join(SWAGGER_DIR, 'jira.json'),
    LOCAL_JSM_SWAGGER: stub,
    LOCAL_JSW_SWAGGER: stub,
    LOCAL_CONF_SWAGGER: stub,
    LOCAL_CONF_V2_SWAGGER: stub,
    LOCAL_BB_SWAGGER: stub,
  });
  // Loaded only now: it reads the environment above when it loads.
  const { lint } = await import('@forge/lint');
  const manifest = YAML.parse(fs.readFileSync(manifestPath, 'utf8'));
  const statsig = new Proxy({ getDeprecatedRuntimes: async () => [] } as Record<string, unknown>, {
    get: (target, prop: string) => target[prop] ?? (async () => false),
  });
  const logger = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  // Paths relative to the app directory: the handler linter matches `src/<file>` literally.
  const files = walk(path.join(appDir, 'src'))
    .filter((f) => /\.(t|j)sx?$/.test(f))
    .map((f) => path.relative(appDir, f));
  const cwd = process.cwd();
  try {
    process.chdir(appDir); // the handler linter resolves `src/` from the working directory
    const results = await lint(
      files,
      manifest,
      'development',
      logger,
      statsig as unknown as Parameters<typeof lint>[4],
      { linter: { mode: 'client-side' } },
    );
    for (const r of results) {
      for (const e of [...r.errors, ...r.warnings])
        problems.push({ check: `lint:${e.reference}`, message: e.message, where: `${r.file}:${e.line}` });
    }
  } finally {
    process.chdir(cwd);
  }
  return problems;
}

if (require.main === module) {
  checkManifest(process.argv[2] ?? path.resolve(__dirname, '..')).then((problems) => {
    for (const p of problems) console.error(`${p.check}: ${p.message}${p.where ? ` (${p.where})` : ''}`);
    console.log(problems.length === 0 ? 'manifest: no problems' : `manifest: ${problems.length} problem(s)`);
    process.exit(problems.length === 0 ? 0 : 1);
  });
}
