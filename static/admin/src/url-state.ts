/**
 * The page's place in the URL: the selected tab and the audit filters, as a query string
 * (`?tab=audit&group=00g…&from=2026-11-01`), so a reload or a shared link opens the same view.
 *
 * In Jira the page runs in an iframe whose own URL nobody sees: Forge's `view.createHistory()` gives a
 * history whose location is the Jira page's route (the part after /jira/settings/apps/{app}/{env}).
 * When the host offers none (an older host, a local dev server), the iframe's own location is used,
 * which at least keeps the view across a reload of the frame.
 */
import { view } from '@forge/bridge';
import { useCallback, useEffect, useRef, useState } from 'react';

interface HostLocation {
  pathname?: string;
  search?: string;
}
interface HostHistory {
  location: HostLocation;
  push(to: HostLocation | string): void;
  replace(to: HostLocation | string): void;
  listen(cb: (location: HostLocation) => void): (() => void) | void;
}

/** The state a URL holds: plain key → value pairs, empty values left out. */
export type UrlState = Record<string, string>;

export const parseState = (search: string | undefined): UrlState =>
  Object.fromEntries(new URLSearchParams(search ?? '').entries());

export const searchOf = (state: UrlState): string => {
  const q = new URLSearchParams(Object.entries(state).filter(([, v]) => v !== ''));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/**
 * The last query each tab had (issue 13 §4: each tab has its own URL state). Opening a tab by click
 * brings back the query it was left with (Audit filtered → Dashboard → Audit keeps the filters), as a
 * new history entry, so Back and Forward still walk the tabs in the order they were seen.
 */
export type TabQueries = Readonly<Record<string, UrlState>>;

/** `memory` with `state` as `tab`'s last query (the tab's own name kept in it). */
export const rememberQuery = (memory: TabQueries, tab: string, state: UrlState): TabQueries =>
  memory[tab] !== undefined && searchOf(memory[tab]) === searchOf({ ...state, tab })
    ? memory
    : { ...memory, [tab]: { ...state, tab } };

/** The query to open `tab` with: the one it was left with, else the tab alone. */
export const queryForTab = (memory: TabQueries, tab: string): UrlState => memory[tab] ?? { tab };

const frameHistory: HostHistory = {
  get location() {
    return { pathname: window.location.pathname, search: window.location.search };
  },
  push: (to) =>
    window.history.pushState(null, '', typeof to === 'string' ? to : `${window.location.pathname}${to.search ?? ''}`),
  replace: (to) =>
    window.history.replaceState(
      null,
      '',
      typeof to === 'string' ? to : `${window.location.pathname}${to.search ?? ''}`,
    ),
  listen: (cb) => {
    const on = () => cb({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  },
};

let historyPromise: Promise<HostHistory> | undefined;
function hostHistory(): Promise<HostHistory> {
  historyPromise ??= (async () => {
    try {
      const h = (await view.createHistory()) as unknown as HostHistory | undefined;
      if (h && typeof h.push === 'function' && typeof h.listen === 'function') return h;
    } catch {
      // The host has no history for this module: fall back to the frame's own.
    }
    return frameHistory;
  })();
  return historyPromise;
}

/**
 * The URL's state and a way to change it. `push` adds a history entry (a tab change: Back returns to
 * the previous tab); `replace` does not (filters as they are applied).
 */
export function useUrlState(): {
  ready: boolean;
  state: UrlState;
  push: (next: UrlState) => void;
  replace: (next: UrlState) => void;
} {
  const [state, setState] = useState<UrlState | undefined>();
  const history = useRef<HostHistory | undefined>();
  useEffect(() => {
    let stop: (() => void) | void;
    let live = true;
    void hostHistory().then((h) => {
      if (!live) return;
      history.current = h;
      setState(parseState(h.location.search));
      stop = h.listen((loc) => setState(parseState(loc.search)));
    });
    return () => {
      live = false;
      if (stop) stop();
    };
  }, []);
  const go = useCallback((mode: 'push' | 'replace', next: UrlState) => {
    setState(next);
    const h = history.current;
    if (!h) return;
    const search = searchOf(next);
    if (search === (h.location.search ?? '')) return;
    // A path string, the form every history (Forge's included) takes.
    h[mode](`${h.location.pathname || '/'}${search}`);
  }, []);
  return {
    ready: state !== undefined,
    state: state ?? {},
    push: useCallback((n: UrlState) => go('push', n), [go]),
    replace: useCallback((n: UrlState) => go('replace', n), [go]),
  };
}
