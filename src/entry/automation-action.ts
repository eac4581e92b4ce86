/**
 * Jira Automation action handlers (manifest `action` modules, ADR 0026). Forge's automation-action
 * reference: Automation calls the function with a `payload` holding the configured inputs (smart values
 * already resolved); returning `{ errors: [{ message }] }` stops the rule and tells its owner, anything
 * else lets the rule go on, with the declared `outputs` as its smart values. Each handler parses the
 * inputs, takes the account from the invocation context (never from the payload), calls one use case
 * and maps its answer. Outages are rethrown: Automation marks the run failed.
 */
import { z } from 'zod';
import {
  extendAccessByRule,
  requestAccessByRule,
  revokeAccessByRule,
  type AutomationAnswer,
  type AutomationResult,
  type RuleCaller,
} from '../app/automation-actions';
import type { AppDeps } from '../app/deps';
import { compose } from './compose';

/** What Automation gets back: the outputs, or the errors that stop the rule. */
export type ActionReturn = AutomationResult | { errors: Array<{ message: string }> };

// Smart values resolve to strings, and to '' when the value is missing: '' is "not given".
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const text = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());

const Common = {
  issueKey: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/, 'issueKey must be an issue key such as INC-42'),
  ruleName: text(255),
};

const RequestInputs = z.looseObject({
  ...Common,
  group: z.string().trim().min(1, 'group must name an allowlisted Okta group').max(255),
  requestFor: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['reporter', 'assignee'], { message: 'requestFor must be reporter or assignee' }).default('reporter'),
  ),
  hours: z.preprocess(
    (v) => (typeof v === 'string' ? (blankToUndefined(v) === undefined ? undefined : Number(v)) : v),
    z.number().int('hours must be a whole number').positive('hours must be more than 0').max(8760).optional(),
  ),
  changeType: text(255),
});
const IssueInputs = z.looseObject(Common);

const Context = z.looseObject({ principal: z.looseObject({ accountId: z.string().min(1) }).optional() });

/** Automation runs an action as the account of the rule's connection (Forge's automation-action reference). */
function callerOf(context: unknown, ruleName: string | undefined): RuleCaller | undefined {
  const parsed = Context.safeParse(context ?? {});
  const actor = parsed.success ? parsed.data.principal?.accountId : undefined;
  return actor ? { actor, ...(ruleName ? { rule: ruleName } : {}) } : undefined;
}

const invalid = (message: string): ActionReturn => ({ errors: [{ message }] });
const answer = (a: AutomationAnswer): ActionReturn => (a.kind === 'result' ? a.result : invalid(a.message));
const NO_ACTOR =
  'The action ran without a Jira account, so the app cannot record who raised it. Give the rule a connection with a user.';

export function buildAutomationActions(deps: () => AppDeps) {
  return {
    async request(payload: unknown, context?: unknown): Promise<ActionReturn> {
      const p = RequestInputs.safeParse(payload ?? {});
      if (!p.success) return invalid(p.error.issues.map((i) => i.message).join('; '));
      const caller = callerOf(context, p.data.ruleName);
      if (!caller) return invalid(NO_ACTOR);
      const { issueKey, group, requestFor, hours, changeType } = p.data;
      return answer(await requestAccessByRule(deps(), { issueKey, group, requestFor, hours, changeType }, caller));
    },
    async extend(payload: unknown, context?: unknown): Promise<ActionReturn> {
      const p = IssueInputs.safeParse(payload ?? {});
      if (!p.success) return invalid(p.error.issues.map((i) => i.message).join('; '));
      const caller = callerOf(context, p.data.ruleName);
      if (!caller) return invalid(NO_ACTOR);
      return answer(await extendAccessByRule(deps(), p.data.issueKey, caller));
    },
    async revoke(payload: unknown, context?: unknown): Promise<ActionReturn> {
      const p = IssueInputs.safeParse(payload ?? {});
      if (!p.success) return invalid(p.error.issues.map((i) => i.message).join('; '));
      const caller = callerOf(context, p.data.ruleName);
      if (!caller) return invalid(NO_ACTOR);
      return answer(await revokeAccessByRule(deps(), p.data.issueKey, caller));
    },
  };
}

const actions = buildAutomationActions(compose);
export const automationRequestAccess = actions.request;
export const automationExtendAccess = actions.extend;
export const automationRevokeAccess = actions.revoke;
