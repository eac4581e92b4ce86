/**
 * Unsaved edits, per admin tab (ADR 0030). A form (or an editor inside it) says whether it differs
 * from what was last loaded or saved with `useUnsavedEdits(dirty)`; the tab it sits in is known from
 * the `UnsavedScope` around the tab's screen, so editors shared by two tabs need not know where they
 * are. The page uses the answer three ways: a tab with unsaved edits keeps its screen mounted (hidden)
 * while another tab is shown, its label carries a marker, and leaving the page asks first.
 */
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useState, type ReactNode } from 'react';

interface Scope {
  tab: string;
  report(reporter: string, tab: string, dirty: boolean): void;
}
const ScopeContext = createContext<Scope | undefined>(undefined);

/**
 * The page's registry: which tabs hold unsaved edits. Several reporters may share a tab (the Policy
 * form and its CSV import box): the tab is clean only when all of them are.
 */
export function useUnsavedTabs(): {
  dirtyTabs: ReadonlySet<string>;
  report: Scope['report'];
} {
  // Only the dirty reporters, each with its tab: a clean or unmounted reporter is simply absent.
  const [dirty, setDirty] = useState<ReadonlyMap<string, string>>(new Map());
  const report = useCallback((reporter: string, tab: string, isDirty: boolean) => {
    setDirty((prev) => {
      if (isDirty ? prev.get(reporter) === tab : !prev.has(reporter)) return prev;
      const next = new Map(prev);
      if (isDirty) next.set(reporter, tab);
      else next.delete(reporter);
      return next;
    });
  }, []);
  const dirtyTabs = useMemo(() => new Set(dirty.values()), [dirty]);
  useAskBeforeLeaving(dirtyTabs.size > 0);
  return { dirtyTabs, report };
}

/** The tab a screen belongs to, for the reports of the forms inside it. */
export function UnsavedScope({ tab, report, children }: { tab: string; report: Scope['report']; children: ReactNode }) {
  const scope = useMemo(() => ({ tab, report }), [tab, report]);
  return <ScopeContext.Provider value={scope}>{children}</ScopeContext.Provider>;
}

/**
 * Reports whether this form holds edits not saved yet. Unmounting (saved and closed, cancelled, or
 * the tab left while clean) withdraws the report. Outside an `UnsavedScope` it does nothing.
 */
export function useUnsavedEdits(dirty: boolean): void {
  const scope = useContext(ScopeContext);
  const reporter = useId();
  useEffect(() => {
    scope?.report(reporter, scope.tab, dirty);
  }, [scope, reporter, dirty]);
  useEffect(() => () => scope?.report(reporter, scope.tab, false), [scope, reporter]);
}

/**
 * Reload or close with unsaved edits: the browser's own "Leave site?" question. Browsers show only
 * their generic text, and only after the admin interacted with the frame (sticky activation), which
 * typing an edit always is. Registered only while something is unsaved, so a clean page leaves freely.
 */
function useAskBeforeLeaving(ask: boolean): void {
  useEffect(() => {
    if (!ask) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older Chromium and Safari ask only when returnValue is set as well.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [ask]);
}

/**
 * Whether two form payloads say the same (plain JSON-like values; key order ignored, undefined equal
 * to absent, as they would be sent). Forms compare what they would save with what is saved.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, (b as unknown[])[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
  return true;
}
