/**
 * One resolver for the UI Kit surfaces: the issue panel (`panel/*`) and the Admin group field
 * (`field/*`). Every call: parse the payload with its zod schema, take the caller and the issue from
 * the invocation context (never from the payload), call one use case, answer with the envelope.
 * Expected refusals become `failure(code, message)`; anything else is rethrown so Forge records it.
 */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import type { AppDeps } from '../app/deps';
import { groupName, listGroupOptions } from '../app/panel/field-groups';
import { loadGrantsPage, loadPanel, type PanelCaller } from '../app/panel/load-panel';
import {
  extendFromPanel,
  relinquishFromPanel,
  revokeFromPanel,
  withdrawFromPanel,
  approveFromPanel,
  denyFromPanel,
  type PanelActionOutcome,
} from '../app/panel/panel-actions';
import { failure, success, type Envelope } from '../shared/envelope';
import { FIELD_KEYS, PANEL_KEYS, PayloadSchemas, UI_ERRORS } from '../shared/panel-contract';
import { compose } from './compose';

type Key = keyof typeof PayloadSchemas;
interface Call {
  payload: unknown;
  context: { accountId?: string; extension?: unknown };
}

const IssueExtension = z.object({ issue: z.object({ id: z.string().min(1), key: z.string().min(1) }) });
const ProjectExtension = z.object({ project: z.object({ key: z.string().min(1) }) });

/** Parses the payload and checks there is a signed-in caller; the refusal envelope otherwise. */
function parse<K extends Key>(
  key: K,
  call: Call,
): { accountId: string; payload: z.infer<(typeof PayloadSchemas)[K]> } | Envelope<never> {
  if (!call.context?.accountId) return failure(UI_ERRORS.noUser, 'Sign in to Jira to use this.');
  const parsed = PayloadSchemas[key].safeParse(call.payload ?? {});
  if (!parsed.success)
    return failure(UI_ERRORS.invalid, parsed.error.issues[0]?.message ?? 'The request was not understood.');
  return { accountId: call.context.accountId, payload: parsed.data as z.infer<(typeof PayloadSchemas)[K]> };
}

const isEnvelope = (x: object): x is Envelope<never> => 'ok' in x;

/** The panel's issue comes from the product context the platform signs, not from the browser. */
function panelCaller(accountId: string, call: Call): PanelCaller | Envelope<never> {
  const ext = IssueExtension.safeParse(call.context.extension);
  if (!ext.success) return failure(UI_ERRORS.noIssue, 'This panel only works on a Jira issue.');
  return { accountId, issue: { id: ext.data.issue.id, key: ext.data.issue.key } };
}

const fromOutcome = (o: PanelActionOutcome) => (o.ok ? success(o.data) : failure(o.code, o.message));

export function buildUiResolver(deps: () => AppDeps) {
  const resolver = new Resolver();

  const panelAction = (
    key:
      | typeof PANEL_KEYS.extend
      | typeof PANEL_KEYS.relinquish
      | typeof PANEL_KEYS.revoke
      | typeof PANEL_KEYS.withdraw
      | typeof PANEL_KEYS.approve,
    run: (d: AppDeps, caller: PanelCaller, grantId: string) => Promise<PanelActionOutcome>,
  ) =>
    resolver.define(key, async (call: Call) => {
      const p = parse(key, call);
      if (isEnvelope(p)) return p;
      const caller = panelCaller(p.accountId, call);
      if (isEnvelope(caller)) return caller;
      return fromOutcome(await run(deps(), caller, p.payload.grantId));
    });

  resolver.define(PANEL_KEYS.load, async (call: Call) => {
    const p = parse(PANEL_KEYS.load, call);
    if (isEnvelope(p)) return p;
    const caller = panelCaller(p.accountId, call);
    if (isEnvelope(caller)) return caller;
    return success(await loadPanel(deps(), caller));
  });
  resolver.define(PANEL_KEYS.grants, async (call: Call) => {
    const p = parse(PANEL_KEYS.grants, call);
    if (isEnvelope(p)) return p;
    const caller = panelCaller(p.accountId, call);
    if (isEnvelope(caller)) return caller;
    const page = await loadGrantsPage(deps(), caller, p.payload.cursor);
    return page.ok ? success(page.data) : failure(page.code, page.message);
  });
  panelAction(PANEL_KEYS.extend, extendFromPanel);
  panelAction(PANEL_KEYS.relinquish, relinquishFromPanel);
  panelAction(PANEL_KEYS.revoke, revokeFromPanel);
  panelAction(PANEL_KEYS.withdraw, withdrawFromPanel);
  panelAction(PANEL_KEYS.approve, approveFromPanel);
  resolver.define(PANEL_KEYS.deny, async (call: Call) => {
    const p = parse(PANEL_KEYS.deny, call);
    if (isEnvelope(p)) return p;
    const caller = panelCaller(p.accountId, call);
    if (isEnvelope(caller)) return caller;
    return fromOutcome(await denyFromPanel(deps(), caller, p.payload));
  });

  resolver.define(FIELD_KEYS.groups, async (call: Call) => {
    const p = parse(FIELD_KEYS.groups, call);
    if (isEnvelope(p)) return p;
    const project = ProjectExtension.safeParse(call.context.extension);
    return success(await listGroupOptions(deps(), project.success ? project.data.project.key : undefined));
  });
  resolver.define(FIELD_KEYS.groupName, async (call: Call) => {
    const p = parse(FIELD_KEYS.groupName, call);
    if (isEnvelope(p)) return p;
    return success(await groupName(deps(), p.payload.groupId));
  });

  return resolver.getDefinitions();
}

export const uiResolver = buildUiResolver(compose);
