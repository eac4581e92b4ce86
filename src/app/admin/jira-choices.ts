/**
 * Pick, don't type: the admin page's lists of what Jira has (select-list fields, a field's options,
 * the statuses and workflow transitions of the projects in use, projects), read as the app, and the
 * checks at save that every choice the policy and the allowlist name exists in Jira. A name that
 * matches nothing would fail silently later: a duration value that never maps, an approval status no
 * issue can reach, a close-out that never happens, a project nobody can request from.
 *
 * The projects in use are those the allowlisted groups name; when a group allows any project (or no
 * group is allowlisted yet) every project is in use: statuses are then the site's statuses of active
 * workflows, transitions those of the first LIMITS.maxProjectsInUse projects (said when there are more).
 * Where Jira does not let the app list something (field options and workflows need Administer Jira),
 * the admin types the value and the check says nothing it cannot know.
 */
import {
  ADMIN_ERRORS,
  LIMITS,
  type JiraFieldHit,
  type JiraOptionList,
  type JiraProjectHit,
  type JiraIssueTypeHit,
  type JiraStatusList,
  type JiraTransitionList,
  type PolicyParsed,
  type ProjectsInUse,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse, type Refusal } from '../errors';
import { IssueTrackerError, type CatalogField, type CatalogProject } from '../ports';
import { ok, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'catalog' | 'config'>;

export const NOT_ALLOWED_OPTIONS =
  "Jira does not let the app list this field's options (reading them needs the Administer Jira permission). Type each value exactly as Jira shows it.";
export const NOT_ALLOWED_TRANSITIONS =
  "Jira does not let the app read the workflows (that needs the Administer Jira permission). Type the transition's name exactly as it appears on the issue; the app applies it only where the issue offers it.";

/** A Jira failure reads as what happened and that `nothing` changed. */
function jiraRefusal(e: IssueTrackerError, nothing: string): Refusal {
  return refuse(
    ADMIN_ERRORS.jiraUnavailable,
    e.kind === 'transient'
      ? `Jira is not answering right now (${e.message}). ${nothing}; try again in a minute.`
      : `Jira refused to answer (${e.message}). ${nothing}.`,
  );
}

async function withJira<T>(run: () => Promise<AdminOutcome<T>>, nothing = 'Nothing was changed') {
  try {
    return await run();
  } catch (e) {
    if (e instanceof IssueTrackerError) return jiraRefusal(e, nothing);
    throw e;
  }
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const same = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

// ---------------------------------------------------------------- pickers

/** The site's single-choice select list fields: what the duration field may be. */
export const listDurationFields = (deps: Pick<Deps, 'catalog'>) =>
  withJira<JiraFieldHit[]>(async () =>
    ok(
      (await deps.catalog.fields())
        .filter((f) => f.custom && f.select)
        .map((f) => ({ id: f.id, name: f.name }))
        .sort(byName),
    ),
  );

/** The site's date-time fields: what a change window's planned start and end may be (ADR 0025). */
export const listDateTimeFields = (deps: Pick<Deps, 'catalog'>) =>
  withJira<JiraFieldHit[]>(async () =>
    ok(
      (await deps.catalog.fields())
        // Custom only: Created and Updated are date-times too, but never a change's window.
        .filter((f) => f.custom && f.dateTime)
        .map((f) => ({ id: f.id, name: f.name }))
        .sort(byName),
    ),
  );

export const listFieldOptions = (deps: Pick<Deps, 'catalog'>, input: { fieldId: string }) =>
  withJira<JiraOptionList>(async () => {
    const listing = await deps.catalog.fieldOptions(input.fieldId);
    if (listing.listed) return ok({ listed: true, options: listing.items });
    if (listing.reason === 'not-allowed') return ok({ listed: false, options: [], note: NOT_ALLOWED_OPTIONS });
    return refuse(ADMIN_ERRORS.notInJira, 'Jira has no such field any more. Reload the page and choose another.');
  });

/** Projects whose key or name contains the query (all when there is none), by key. */
export const searchProjects = (deps: Pick<Deps, 'catalog'>, input: { query?: string }) =>
  withJira<JiraProjectHit[]>(async () => {
    const { projects } = await deps.catalog.projects({ query: input.query || undefined, limit: LIMITS.projectHits });
    return ok(projects.map((p) => ({ key: p.key, name: p.name })));
  });

/** The issue types of one project, by name: what a break-glass review may be filed as (ADR 0027). */
export const listIssueTypes = (deps: Pick<Deps, 'catalog'>, input: { projectKey: string }) =>
  withJira<JiraIssueTypeHit[]>(async () => {
    const { projects } = await deps.catalog.projects({ keys: [input.projectKey], limit: 1, withIssueTypes: true });
    const project = projects.find((p) => same(p.key, input.projectKey));
    if (!project)
      return refuse(
        ADMIN_ERRORS.notInJira,
        `Jira has no project with the key ${input.projectKey} (or the app cannot see it).`,
      );
    return ok([...(project.issueTypes ?? [])].sort(byName));
  });

/**
 * The break-glass review's choices exist in Jira: its project, an issue type of that project, and the
 * named assignee. Undefined when they do (or none is set); otherwise the refusal naming each on its field.
 */
export async function checkReviewChoices(
  deps: Pick<AppDeps, 'catalog' | 'issues'>,
  review: PolicyParsed['breakGlassReview'],
): Promise<Refusal | undefined> {
  if (!review) return undefined;
  const outcome = await withJira(async () => {
    const out: Record<string, string> = {};
    const { projects } = await deps.catalog.projects({ keys: [review.projectKey], limit: 1, withIssueTypes: true });
    const project = projects.find((p) => same(p.key, review.projectKey));
    if (!project) out['breakGlassReview.projectKey'] = `Jira has no project with the key ${review.projectKey}.`;
    else if (!(project.issueTypes ?? []).some((t) => t.id === review.issueTypeId))
      out['breakGlassReview.issueTypeId'] = `${project.key} has no issue type with the id ${review.issueTypeId}.`;
    if (review.assignee.kind === 'user' && !(await deps.issues.getUser(review.assignee.accountId)))
      out['breakGlassReview.assignee'] = 'Jira does not know the person chosen to review.';
    return ok(out);
  }, 'Nothing was saved');
  if (!outcome.ok) return outcome;
  const fields = outcome.data;
  if (Object.keys(fields).length === 0) return undefined;
  return refuse(
    ADMIN_ERRORS.notInJira,
    `${[...new Set(Object.values(fields))].join(' ')} Choose from the lists Jira fills; nothing was saved.`,
    fields,
  );
}

export const listStatuses = (deps: Deps) =>
  withJira<JiraStatusList>(async () => {
    const inUse = await projectsInUse(deps);
    return ok({ projects: inUse.view, names: await statusNames(deps, inUse) });
  });

export const listTransitions = (deps: Deps) =>
  withJira<JiraTransitionList>(async () => {
    const inUse = await projectsInUse(deps);
    const names = await transitionNames(deps, inUse);
    return ok(
      names === undefined
        ? { projects: inUse.view, listed: false, names: [], note: NOT_ALLOWED_TRANSITIONS }
        : { projects: inUse.view, listed: true, names },
    );
  });

// ---------------------------------------------------------------- projects in use

interface InUse {
  view: ProjectsInUse;
  /** The projects read, with their issue types (for the workflows they use). */
  projects: CatalogProject[];
}

async function projectsInUse(deps: Deps): Promise<InUse> {
  const allowlist = await deps.config.getAllowlist();
  const anyProject = allowlist.length === 0 || allowlist.some((g) => g.allowedProjectKeys.length === 0);
  if (anyProject) {
    const { projects, more } = await deps.catalog.projects({ limit: LIMITS.maxProjectsInUse, withIssueTypes: true });
    return { view: { all: true, keys: projects.map((p) => p.key), truncated: more }, projects };
  }
  const keys = [...new Set(allowlist.flatMap((g) => g.allowedProjectKeys.map((k) => k.toUpperCase())))].sort();
  const projects: CatalogProject[] = [];
  for (let i = 0; i < keys.length; i += 50) {
    const chunk = keys.slice(i, i + 50);
    projects.push(
      ...(await deps.catalog.projects({ keys: chunk, limit: chunk.length, withIssueTypes: true })).projects,
    );
  }
  // A named project Jira no longer has has no statuses: it stays out of the lists.
  return { view: { all: false, keys: projects.map((p) => p.key), truncated: false }, projects };
}

async function statusNames(deps: Deps, inUse: InUse): Promise<string[]> {
  // Every project: the site's statuses of active workflows, one read, complete.
  if (inUse.view.all) return deps.catalog.allStatuses();
  const names = new Set<string>();
  for (let i = 0; i < inUse.projects.length; i += 10) {
    const lists = await Promise.all(inUse.projects.slice(i, i + 10).map((p) => deps.catalog.projectStatuses(p.key)));
    for (const l of lists) if (l.listed) l.items.forEach((n) => names.add(n));
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** The transition names of the workflows in use; undefined when Jira does not let the app read them. */
async function transitionNames(deps: Deps, inUse: InUse): Promise<string[] | undefined> {
  const pairs = inUse.projects.flatMap((p) => (p.issueTypeIds ?? []).map((t) => ({ projectId: p.id, issueTypeId: t })));
  if (pairs.length === 0) return [];
  const listing = await deps.catalog.workflowTransitions(pairs);
  return listing.listed ? listing.items : undefined;
}

const inWords = (p: ProjectsInUse) =>
  p.all
    ? p.truncated
      ? `the first ${p.keys.length} projects`
      : 'any project'
    : p.keys.length === 0
      ? 'the projects the allowlist names (Jira has none of them)'
      : `the projects in use (${p.keys.join(', ')})`;

// ---------------------------------------------------------------- checks at save

/**
 * Every Jira choice the policy names exists: the duration field is a select list, each mapped value
 * (and the emergency value) one of its options, the approval status a status of the projects in use,
 * the close-out transition one of their workflows'. Answers undefined when they all do, or the refusal
 * naming each missing one on its field. Jira failing: a refusal saying nothing was saved.
 */
export async function checkPolicyChoices(deps: Deps, next: PolicyChoices): Promise<Refusal | undefined> {
  const outcome = await withJira(async () => ok(await policyProblems(deps, next)), 'Nothing was saved');
  if (!outcome.ok) return outcome;
  const fields = outcome.data;
  if (Object.keys(fields).length === 0) return undefined;
  const messages = [...new Set(Object.values(fields))];
  return refuse(
    ADMIN_ERRORS.notInJira,
    `${messages.join(' ')} Choose from the lists Jira fills; nothing was saved.`,
    fields,
  );
}

/** What the policy names in Jira, as the form sends it (rows in order, so a message finds its row). */
type PolicyChoices = Pick<
  PolicyParsed,
  | 'durationFieldName'
  | 'durationMapping'
  | 'approvalStatusName'
  | 'emergencyValue'
  | 'closeOutTransitionName'
  | 'plannedStartFieldId'
  | 'plannedEndFieldId'
  | 'accessEndingStatuses'
>;

async function policyProblems(deps: Deps, next: PolicyChoices): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const values = next.durationMapping.map((m) => m.value);

  const catalog = await deps.catalog.fields();
  // The change window's fields are named by id: each must be a date-time field Jira has (ADR 0025).
  for (const key of ['plannedStartFieldId', 'plannedEndFieldId'] as const) {
    const id = next[key];
    if (id === undefined) continue;
    const f = catalog.find((x) => x.id === id);
    if (!f) out[key] = `Jira has no field ${id}.`;
    else if (!f.dateTime) out[key] = `"${f.name}" is not a date-time field in Jira.`;
  }
  const field = pickField(catalog, next.durationFieldName);
  if (!field) out.durationFieldName = `Jira has no field named "${next.durationFieldName}".`;
  else if (!field.select)
    out.durationFieldName = `"${field.name}" is not a select list in Jira, so its values cannot be mapped to hours.`;
  else {
    const listing = await deps.catalog.fieldOptions(field.id);
    if (listing.listed) {
      const options = listing.items.map((o) => o.value);
      values.forEach((v, i) => {
        if (options.includes(v)) return;
        const near = options.find((o) => same(o, v));
        out[`durationMapping.${i}.value`] =
          `"${v}" is not an option of ${field.name}${near ? ` (did you mean "${near}"?)` : ''}.`;
      });
      if (next.emergencyValue !== undefined && !options.includes(next.emergencyValue))
        out.emergencyValue = `"${next.emergencyValue}" is not an option of ${field.name}.`;
    }
  }

  const inUse = await projectsInUse(deps);
  const statuses = await statusNames(deps, inUse);
  if (!statuses.includes(next.approvalStatusName)) {
    const near = statuses.find((s) => same(s, next.approvalStatusName));
    out.approvalStatusName = `No status named "${next.approvalStatusName}" is in ${inWords(inUse.view)}${near ? ` (did you mean "${near}"?)` : ''}.`;
  }

  (next.accessEndingStatuses ?? []).forEach((s, i) => {
    if (!statuses.includes(s))
      out[`accessEndingStatuses.${i}`] = `No status named "${s}" is in ${inWords(inUse.view)}.`;
  });

  if (next.closeOutTransitionName !== undefined) {
    const transitions = await transitionNames(deps, inUse);
    // Not listable: the app matches the name on each issue when it applies it. More projects than
    // were read: a transition of another project's workflow cannot be ruled out.
    const sure = transitions !== undefined && !inUse.view.truncated;
    if (sure && !transitions.some((t) => same(t, next.closeOutTransitionName!)))
      out.closeOutTransitionName = `No workflow of ${inWords(inUse.view)} has a transition named "${next.closeOutTransitionName}".`;
  }
  return out;
}

/** The field the app will read: matched by name as the app matches it (any case), a select list first. */
function pickField(fields: CatalogField[], name: string): CatalogField | undefined {
  const matches = fields.filter((f) => same(f.name, name));
  return matches.find((f) => f.custom && f.select) ?? matches.find((f) => f.custom) ?? matches[0];
}

/** Every project key names a project Jira has (and the app may see). Undefined when they all do. */
export async function checkProjectKeys(
  deps: Pick<Deps, 'catalog'>,
  keys: readonly string[],
): Promise<Refusal | undefined> {
  if (keys.length === 0) return undefined;
  const outcome = await withJira(async () => {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 50) {
      const chunk = keys.slice(i, i + 50);
      const { projects } = await deps.catalog.projects({ keys: chunk, limit: chunk.length });
      projects.forEach((p) => found.add(p.key.toUpperCase()));
    }
    return ok(keys.filter((k) => !found.has(k.toUpperCase())));
  }, 'Nothing was saved');
  if (!outcome.ok) return outcome;
  const missing = outcome.data;
  if (missing.length === 0) return undefined;
  const what =
    missing.length === 1
      ? `Jira has no project with the key ${missing[0]}`
      : `Jira has no projects ${missing.join(', ')}`;
  const message = `${what} (or the app cannot see ${missing.length === 1 ? 'it' : 'them'}).`;
  return refuse(ADMIN_ERRORS.notInJira, `${message} Choose projects from the list; nothing was saved.`, {
    allowedProjectKeys: `${message} Choose from the list.`,
  });
}
