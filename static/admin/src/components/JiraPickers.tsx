/**
 * Pick, don't type: pickers filled from Jira through the resolver (`admin/jira/*`). Each says what it
 * is doing: loading, nothing to choose (and why), Jira not answering (with Try again, and a text field
 * meanwhile, since the save checks the value anyway), or that Jira does not let the app list the
 * values (then the admin types them, told so). A saved value Jira no longer has stays shown, marked.
 */
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Select, { AsyncSelect } from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ADMIN_KEYS, type JiraProjectHit, type ProjectsInUse } from '../../../../src/shared/admin-contract';
import { call, errorOf } from '../api';
import { LoadProblem } from './ui';

export type Choice = { value: string; label: string };
type LoadState<T> = { data?: T; error?: { code: string; message: string }; loading: boolean };

/**
 * Loads `load(key)` whenever `key` changes (none: nothing loaded); a late answer for an older key is
 * dropped.
 */
export function useKeyedLoad<T>(key: string | undefined, load: (key: string) => Promise<T>) {
  const [state, setState] = useState<LoadState<T>>({ loading: key !== undefined });
  const latest = useRef(key);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(async (k: string | undefined) => {
    latest.current = k;
    if (k === undefined) {
      setState({ loading: false });
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current(k);
      if (latest.current === k) setState({ data, loading: false });
    } catch (e) {
      if (latest.current === k) setState({ error: errorOf(e), loading: false });
    }
  }, []);
  useEffect(() => {
    void run(key);
  }, [key, run]);
  return { ...state, reload: () => run(latest.current) };
}

/** "the projects in use (ACC, OPS)" / "every project": whose statuses and transitions are listed. */
export function projectsInWords(p: ProjectsInUse | undefined): string {
  if (!p) return 'the projects in use';
  if (p.all)
    return p.truncated
      ? `the first ${p.keys.length} projects (no group limits its projects; Jira has more)`
      : 'every project (a group allows any project, or none is allowlisted yet)';
  return p.keys.length ? `the projects the allowlist names (${p.keys.join(', ')})` : 'no project Jira has';
}

/**
 * One value from a list, or typed when `choices` is undefined. `value` not among the choices stays
 * shown, marked as not in Jira. Empty string: nothing chosen.
 */
export function ChoiceInput({
  id,
  ariaLabel,
  value,
  onChange,
  choices,
  loading,
  invalid,
  placeholder,
  emptyText,
  clearable,
  describedBy,
  compact,
  unknownLabel = (v) => `${v} (not in Jira)`,
}: {
  id: string;
  ariaLabel?: string;
  value: string;
  onChange: (v: string) => void;
  choices: Choice[] | undefined;
  loading?: boolean;
  invalid?: boolean;
  placeholder?: string;
  /** Said in the list when there is nothing to choose. */
  emptyText?: string;
  clearable?: boolean;
  describedBy?: string;
  compact?: boolean;
  /** How a value that is not among the choices is shown. */
  unknownLabel?: (value: string) => string;
}) {
  if (choices === undefined && !loading)
    return (
      <Textfield
        id={id}
        name={id}
        aria-label={ariaLabel}
        value={value}
        placeholder={placeholder}
        isInvalid={invalid}
        isCompact={compact}
        autoComplete="off"
        aria-describedby={describedBy}
        onChange={(e) => onChange((e.target as HTMLInputElement).value)}
      />
    );
  const listed = choices ?? [];
  const options =
    value && !listed.some((c) => c.value === value) ? [...listed, { value, label: unknownLabel(value) }] : listed;
  const selected = options.find((o) => o.value === value) ?? null;
  return (
    <Select<Choice>
      inputId={id}
      aria-label={ariaLabel}
      aria-describedby={describedBy}
      classNamePrefix="jira-picker"
      options={options}
      value={selected}
      isLoading={loading}
      isClearable={clearable}
      isInvalid={invalid}
      spacing={compact ? 'compact' : 'default'}
      placeholder={loading ? 'Loading from Jira…' : (placeholder ?? 'Choose…')}
      noOptionsMessage={() => emptyText ?? 'Nothing matches'}
      onChange={(o) => onChange((o as Choice | null)?.value ?? '')}
    />
  );
}

/**
 * A labelled single picker over a list Jira fills: `state.data` undefined while loading or after a
 * failure (then the error with Try again, and typing meanwhile); `listed: false` when Jira does not
 * let the app list them (then typing, with `note` saying why).
 */
export function JiraChoiceField({
  id,
  label,
  required,
  value,
  onChange,
  error,
  helper,
  what,
  state,
  clearable,
  placeholder,
  emptyText,
}: {
  id: string;
  label: string;
  required?: boolean;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  helper?: ReactNode;
  /** "statuses", "fields": for the error title. */
  what: string;
  state: LoadState<{ listed: boolean; choices: Choice[]; note?: string }> & { reload: () => unknown };
  clearable?: boolean;
  placeholder?: string;
  emptyText: string;
}) {
  const data = state.data;
  const typed = (!data && !!state.error) || data?.listed === false;
  const empty = data?.listed === true && data.choices.length === 0;
  const helpId = `${id}-help`;
  const errId = `${id}-error`;
  return (
    <div data-testid={`${id}-picker`} style={{ marginBottom: token('space.150', '12px'), maxWidth: 480 }}>
      <Label htmlFor={id}>
        {label}
        {required ? ' *' : ''}
      </Label>
      <ChoiceInput
        id={id}
        value={value}
        onChange={onChange}
        choices={typed ? undefined : (data?.choices ?? [])}
        loading={state.loading && !data}
        invalid={!!error}
        clearable={clearable}
        placeholder={typed ? 'Type the name exactly as Jira shows it' : placeholder}
        emptyText={emptyText}
        describedBy={error ? errId : helpId}
      />
      {error ? (
        <div id={errId} data-testid={`${id}-error`}>
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      ) : (
        <div id={helpId} data-testid={`${id}-help`}>
          {data?.listed === false && data.note && <HelperMessage>{data.note}</HelperMessage>}
          {empty && <HelperMessage>{emptyText}</HelperMessage>}
          {helper && <HelperMessage>{helper}</HelperMessage>}
        </div>
      )}
      {state.error && !state.loading && (
        <LoadProblem
          testId={`${id}-problem`}
          title={`Could not load the ${what} from Jira`}
          message={`${state.error.message} You can type the name meanwhile: it is checked against Jira when you save.`}
          onRetry={() => void state.reload()}
        />
      )}
    </div>
  );
}

/**
 * The Jira projects a group may be requested from: searched in Jira (key or name), several chosen.
 * Jira not answering: the error with Try again, and the keys typed meanwhile (checked when saving).
 */
export function ProjectPicker({
  id,
  keys,
  onChange,
  error,
  helper,
}: {
  id: string;
  keys: string[];
  onChange: (keys: string[]) => void;
  error?: string;
  helper: ReactNode;
}) {
  const [problem, setProblem] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);
  const [typed, setTyped] = useState(keys.join(', '));
  const names = useRef(new Map<string, string>());
  const load = useCallback(async (query: string): Promise<Choice[]> => {
    try {
      const hits: JiraProjectHit[] = await call(ADMIN_KEYS.jiraProjects, query.trim() ? { query: query.trim() } : {});
      setProblem(undefined);
      for (const h of hits) names.current.set(h.key, h.name);
      return hits.map((h) => ({ value: h.key, label: `${h.key} · ${h.name}` }));
    } catch (e) {
      setProblem(errorOf(e).message);
      return [];
    }
  }, []);
  const labelOf = (key: string) => (names.current.has(key) ? `${key} · ${names.current.get(key)}` : key);
  const errId = `${id}-error`;
  const helpId = `${id}-help`;
  return (
    <div data-testid={`${id}-picker`} style={{ marginBottom: token('space.150', '12px'), maxWidth: 640 }}>
      <Label htmlFor={id}>Allowed Jira projects</Label>
      {problem ? (
        <Textfield
          id={id}
          name={id}
          value={typed}
          placeholder="OPS, SEC"
          isInvalid={!!error}
          autoComplete="off"
          aria-describedby={error ? errId : helpId}
          onChange={(e) => {
            const text = (e.target as HTMLInputElement).value;
            setTyped(text);
            onChange(
              text
                .split(/[\s,]+/)
                .map((s) => s.trim().toUpperCase())
                .filter(Boolean),
            );
          }}
        />
      ) : (
        <AsyncSelect<Choice, true>
          key={attempt}
          inputId={id}
          classNamePrefix="project-picker"
          isMulti
          cacheOptions
          defaultOptions
          loadOptions={load}
          isInvalid={!!error}
          aria-describedby={error ? errId : helpId}
          placeholder="Any project: search to limit the group to some"
          loadingMessage={() => 'Loading projects from Jira…'}
          noOptionsMessage={({ inputValue }) =>
            inputValue ? `No Jira project matches “${inputValue}”` : 'Jira lists no project the app can see'
          }
          value={keys.map((k) => ({ value: k, label: labelOf(k) }))}
          onChange={(v) => {
            const next = [...(v ?? [])].map((o) => o.value);
            setTyped(next.join(', '));
            onChange(next);
          }}
        />
      )}
      {error ? (
        <div id={errId} data-testid={`${id}-error`}>
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      ) : (
        <div id={helpId}>
          <HelperMessage>
            {problem ? 'Type project keys separated by commas: they are checked against Jira when you save. ' : ''}
            {helper}
          </HelperMessage>
        </div>
      )}
      {problem && (
        <LoadProblem
          testId={`${id}-problem`}
          title="Could not load the projects from Jira"
          message={problem}
          onRetry={() => {
            setProblem(undefined);
            setAttempt((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
