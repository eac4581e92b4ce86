/**
 * A search-then-pick list inside a form: type part of a name, Search (or Enter), pick from the
 * results. Shared by the approver steps (Jira groups, people) and the requester mapping (Jira people,
 * Okta users).
 */
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { errorOf } from '../api';
import { LoadProblem, TextField } from './ui';

const border = `1px solid ${token('color.border', '#DFE1E6')}`;
const subtle = { color: token('color.text.subtle', '#505F79') };

type SearchState<T> =
  | { status: 'idle' }
  | { status: 'busy'; query: string }
  | { status: 'done'; query: string; hits: T[] }
  | { status: 'error'; query: string; message: string };

/**
 * Type part of a name, Search (or Enter), Add from the results. Searching, nothing found and Jira not
 * answering (with Try again) each read as such. Lives inside the policy form, so Enter searches here
 * instead of saving the form.
 */
export function SearchPicker<T>({
  id,
  label,
  placeholder,
  what,
  search,
  keyOf,
  labelOf,
  detailOf,
  chosen,
  full,
  onAdd,
  source = 'Jira',
  addLabel = 'Add',
  chosenLabel = 'added',
  disabledReason,
}: {
  id: string;
  label: string;
  placeholder: string;
  /** "Jira group", "person": for the empty and error states. */
  what: string;
  search: (query: string) => Promise<T[]>;
  keyOf: (hit: T) => string;
  labelOf: (hit: T) => string;
  detailOf?: (hit: T) => string | undefined;
  chosen: readonly string[];
  full: boolean;
  onAdd: (hit: T) => void;
  /** Where the search looks, for the busy, empty and error states. */
  source?: string;
  addLabel?: string;
  chosenLabel?: string;
  /** Why a hit cannot be chosen (its button is disabled and the reason shown), if it cannot. */
  disabledReason?: (hit: T) => string | undefined;
}) {
  const [query, setQuery] = useState('');
  const [inputError, setInputError] = useState<string | undefined>();
  const [state, setState] = useState<SearchState<T>>({ status: 'idle' });

  async function run(q: string) {
    if (q.trim() === '') {
      setInputError('Type part of a name.');
      return;
    }
    setInputError(undefined);
    setState({ status: 'busy', query: q });
    try {
      setState({ status: 'done', query: q, hits: await search(q.trim()) });
    } catch (e) {
      setState({ status: 'error', query: q, message: errorOf(e).message });
    }
  }

  return (
    <div data-testid={id}>
      <div
        style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'flex-start' }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
            e.preventDefault();
            void run(query);
          }
        }}
      >
        <TextField
          id={`${id}-query`}
          label={label}
          value={query}
          onChange={setQuery}
          error={inputError}
          placeholder={placeholder}
          width="100%"
        />
        <div style={{ paddingTop: 22 }}>
          <Button testId={`${id}-search`} isLoading={state.status === 'busy'} onClick={() => void run(query)}>
            Search
          </Button>
        </div>
      </div>
      {state.status === 'busy' && (
        <p role="status" style={{ ...subtle, margin: 0 }}>
          Searching {source}…
        </p>
      )}
      {state.status === 'error' && (
        <LoadProblem
          testId={`${id}-problem`}
          title={`Could not search ${source} for a ${what}`}
          message={state.message}
          onRetry={() => void run(state.query)}
        />
      )}
      {state.status === 'done' && state.hits.length === 0 && (
        <p data-testid={`${id}-empty`} style={{ ...subtle, margin: 0 }}>
          No {what} in {source} matches “{state.query.trim()}”.
        </p>
      )}
      {state.status === 'done' && state.hits.length > 0 && (
        <ul data-testid={`${id}-results`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {state.hits.map((h) => {
            const key = keyOf(h);
            const detail = detailOf?.(h);
            return (
              <li
                key={key}
                style={{
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'space-between',
                  gap: token('space.100', '8px'),
                  padding: `${token('space.050', '4px')} 0`,
                  borderBottom: border,
                }}
              >
                <span>
                  {labelOf(h)}
                  {detail && <small style={{ color: token('color.text.subtlest', '#6B778C') }}> {detail}</small>}
                </span>
                {chosen.includes(key) ? (
                  <Lozenge appearance="success">{chosenLabel}</Lozenge>
                ) : disabledReason?.(h) ? (
                  <small data-testid={`${id}-cannot-${key}`} style={subtle}>
                    {disabledReason(h)}
                  </small>
                ) : (
                  <Button spacing="compact" testId={`${id}-add-${key}`} isDisabled={full} onClick={() => onAdd(h)}>
                    {addLabel}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
