/**
 * The policy tab's break-glass review settings (ADR 0027): off, or the project an emergency grant's
 * review issue is filed in, its issue type (picked from that project's own), and who it is assigned to
 * (a named person, or the project's default assignee). Every choice is checked against Jira at save.
 */
import Checkbox from '@atlaskit/checkbox';
import { Fieldset, HelperMessage, Label } from '@atlaskit/form';
import { RadioGroup } from '@atlaskit/radio';
import { token } from '@atlaskit/tokens';
import {
  ADMIN_KEYS,
  type ApproverPersonHit,
  type JiraIssueTypeHit,
  type JiraProjectHit,
} from '../../../../src/shared/admin-contract';
import { call } from '../api';
import { ChoiceInput, useKeyedLoad } from './JiraPickers';
import { SearchPicker } from './SearchPicker';
import { FieldError, LoadProblem } from './ui';

export type ReviewDraft = {
  enabled: boolean;
  projectKey: string;
  projectName: string;
  issueTypeId: string;
  issueTypeName: string;
  assigneeKind: 'project-default' | 'user';
  assigneeAccountId: string;
  assigneeName: string;
};

export const NO_REVIEW: ReviewDraft = {
  enabled: false,
  projectKey: '',
  projectName: '',
  issueTypeId: '',
  issueTypeName: '',
  assigneeKind: 'project-default',
  assigneeAccountId: '',
  assigneeName: '',
};

const row = { marginBottom: token('space.150', '12px'), maxWidth: 640 };
const subtle = { color: token('color.text.subtle', '#505F79') };

export function BreakGlassReviewSection({
  value,
  onChange,
  errors,
}: {
  value: ReviewDraft;
  onChange: (next: ReviewDraft) => void;
  errors: Record<string, string>;
}) {
  const set = (patch: Partial<ReviewDraft>) => onChange({ ...value, ...patch });
  const types = useKeyedLoad<JiraIssueTypeHit[]>(
    value.enabled && value.projectKey ? value.projectKey : undefined,
    (projectKey) => call(ADMIN_KEYS.jiraIssueTypes, { projectKey }),
  );
  return (
    <div data-testid="break-glass-review">
      <Checkbox
        testId="review-enabled"
        isChecked={value.enabled}
        onChange={(e) => set({ enabled: e.target.checked })}
        label="Open a review issue for every emergency grant, due when the access ends"
      />
      <HelperMessage>
        The review is linked to the request and says who had which group, when, why and Okta&apos;s request ids. Only
        someone other than the person who had access may resolve it: the app re-opens it otherwise.
      </HelperMessage>
      {value.enabled && (
        <>
          <div style={row}>
            <Label htmlFor="review-project">Project</Label>
            <div style={subtle} data-testid="review-project-chosen">
              {value.projectKey
                ? `${value.projectKey}${value.projectName ? ` · ${value.projectName}` : ''}`
                : 'None chosen yet'}
            </div>
            <SearchPicker<JiraProjectHit>
              id="review-project"
              label="Find the project"
              placeholder="Part of a key or name"
              what="project"
              search={(query) => call(ADMIN_KEYS.jiraProjects, { query })}
              keyOf={(h) => h.key}
              labelOf={(h) => `${h.key} · ${h.name}`}
              chosen={[value.projectKey]}
              chosenLabel="chosen"
              addLabel="Choose"
              full={false}
              onAdd={(h) => set({ projectKey: h.key, projectName: h.name, issueTypeId: '', issueTypeName: '' })}
            />
            <FieldError id="review-project" error={errors['breakGlassReview.projectKey']} />
          </div>
          {value.projectKey && (
            <div style={row}>
              <Label htmlFor="review-issue-type">Issue type</Label>
              <ChoiceInput
                id="review-issue-type"
                value={value.issueTypeId}
                loading={types.loading}
                choices={types.data?.map((t) => ({ value: t.id, label: t.name }))}
                onChange={(id) =>
                  set({ issueTypeId: id, issueTypeName: types.data?.find((t) => t.id === id)?.name ?? '' })
                }
                invalid={!!errors['breakGlassReview.issueTypeId']}
                emptyText={`${value.projectKey} has no issue types the app can see.`}
              />
              <FieldError id="review-issue-type" error={errors['breakGlassReview.issueTypeId']} />
              {types.error && (
                <LoadProblem
                  title="Could not load the issue types from Jira"
                  message={types.error.message}
                  onRetry={() => void types.reload()}
                />
              )}
            </div>
          )}
          <div style={row}>
            <Fieldset legend={<span id="review-assignee-label">Assigned to</span>}>
              <RadioGroup
                name="review-assignee"
                labelId="review-assignee-label"
                value={value.assigneeKind}
                onChange={(e) => set({ assigneeKind: e.currentTarget.value === 'user' ? 'user' : 'project-default' })}
                options={[
                  {
                    value: 'project-default',
                    label: "The project's default assignee",
                    testId: 'review-assignee-default',
                  },
                  {
                    value: 'user',
                    label: `A named person${value.assigneeAccountId ? `: ${value.assigneeName || value.assigneeAccountId}` : ''}`,
                    testId: 'review-assignee-user',
                  },
                ]}
              />
            </Fieldset>
            {value.assigneeKind === 'user' && (
              <SearchPicker<ApproverPersonHit>
                id="review-assignee"
                label="Find the person in Jira"
                placeholder="Part of a name"
                what="person"
                search={(query) => call(ADMIN_KEYS.approverPeopleSearch, { query })}
                keyOf={(h) => h.accountId}
                labelOf={(h) => h.displayName}
                chosen={[value.assigneeAccountId]}
                chosenLabel="chosen"
                addLabel="Choose"
                full={false}
                onAdd={(h) => set({ assigneeAccountId: h.accountId, assigneeName: h.displayName })}
              />
            )}
            <FieldError id="review-assignee" error={errors['breakGlassReview.assignee']} />
          </div>
        </>
      )}
    </div>
  );
}

/** The draft as the policy payload's `breakGlassReview` (absent when off). */
export function reviewPayload(d: ReviewDraft) {
  if (!d.enabled) return undefined;
  return {
    projectKey: d.projectKey,
    issueTypeId: d.issueTypeId,
    ...(d.issueTypeName ? { issueTypeName: d.issueTypeName } : {}),
    assignee:
      d.assigneeKind === 'user'
        ? { kind: 'user' as const, accountId: d.assigneeAccountId }
        : { kind: 'project-default' as const },
  };
}
