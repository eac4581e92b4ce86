/**
 * Renders UI Kit resources off-platform with the real @forge/react reconciler and @forge/bridge.
 *
 * Both packages read the bridge global when they are loaded, so THIS MODULE MUST BE IMPORTED FIRST in
 * a test file (before any src/frontend module). It installs `self.__bridge.callBridge`, which
 * - records every ForgeDoc the reconciler commits (`reconcile`),
 * - answers `getContext` with the product context of the current viewer,
 * - routes `invoke` to the backend the test chose (the real UI resolver on the sandbox),
 * - records `submit` (custom field edits).
 * A test reads the last ForgeDoc, finds what a person would see, and clicks by calling handler props.
 *
 * Nothing here sleeps for a fixed time: after a render or a click the harness waits until the UI is
 * idle (no `invoke` in flight, no new ForgeDoc for a few turns of the event loop), and `waitForText`
 * waits on its condition. The panel's once-a-second countdown runs on Jest's fake `setInterval`
 * (`ui.fakeIntervals()`), moved by `ui.runIntervals(ms)` after the sandbox's virtual clock moved.
 */
import React, { useState, type ReactElement } from 'react';

export interface ForgeDoc {
  type: string;
  props: Record<string, any>;
  children: ForgeDoc[];
  key?: string;
}

export interface UiBackend {
  invoke(functionKey: string, payload: unknown): Promise<unknown>;
  context(): Record<string, unknown>;
}

const state = {
  backend: undefined as UiBackend | undefined,
  doc: undefined as ForgeDoc | undefined,
  invokes: [] as Array<{ functionKey: string; payload: unknown }>,
  submits: [] as unknown[],
  errors: [] as unknown[],
  /** Bridge calls (invoke, getContext, ...) not answered yet. */
  pending: 0,
  /** Bumped on every committed ForgeDoc, to tell when rendering has stopped. */
  commits: 0,
};

(globalThis as any).self = globalThis;
(globalThis as any).__bridge = {
  callBridge: async (cmd: string, data: any) => {
    state.pending++;
    try {
      return await answer(cmd, data);
    } finally {
      state.pending--;
    }
  },
};

async function answer(cmd: string, data: any): Promise<unknown> {
  switch (cmd) {
    case 'reconcile':
      state.doc = data.forgeDoc;
      state.commits++;
      return undefined;
    case 'getContext':
      return structuredClone(requireBackend().context());
    case 'invoke':
      state.invokes.push({ functionKey: data.functionKey, payload: data.payload });
      return requireBackend().invoke(data.functionKey, data.payload);
    case 'submit':
      state.submits.push(data);
      return undefined;
    case 'onError':
      state.errors.push(data?.error);
      return undefined;
    default:
      return undefined;
  }
}

function requireBackend(): UiBackend {
  if (!state.backend) throw new Error('forge-ui: no backend; call ui.use(...) first');
  return state.backend;
}

let shown = 0;
let setChild: ((el: ReactElement | null) => void) | undefined;
function Host() {
  const [child, set] = useState<ReactElement | null>(null);
  setChild = set;
  return child;
}

/** One turn of the event loop (not a duration): lets promises, React's scheduler and I/O callbacks run. */
const turn = () => new Promise<void>((r) => setImmediate(r));
/** Turns without a new ForgeDoc, with no invoke in flight, that count as "the UI is idle". */
const QUIET_TURNS = 5;
const WAIT_LIMIT_MS = 5000;

/**
 * Waits until `done()` holds. The limit only turns a hang into a readable failure; it is measured
 * with performance.now because the sandbox replaces Date with its virtual clock, which stands still.
 */
async function until(done: () => boolean, what: () => string, timeoutMs = WAIT_LIMIT_MS): Promise<void> {
  const limit = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > limit) throw new Error(`forge-ui: ${what()}`);
    await turn();
  }
}

/** Waits until no invoke is in flight and the reconciler has committed nothing new for a while. */
async function idle(): Promise<void> {
  let quiet = 0;
  let seen = -1;
  await until(
    () => {
      if (state.pending === 0 && state.commits === seen) quiet++;
      else quiet = 0;
      seen = state.commits;
      return quiet >= QUIET_TURNS;
    },
    () => `the UI did not settle (${state.pending} bridge call(s) in flight). Screen: ${safeText()}`,
  );
}

export const ui = {
  use(backend: UiBackend) {
    state.backend = backend;
  },
  get invokes() {
    return state.invokes;
  },
  get submits() {
    return state.submits;
  },
  get errors() {
    return state.errors;
  },

  /** Shows `element` in the one UI Kit root of this test file (unmounting whatever was shown). */
  async show(element: ReactElement | null): Promise<void> {
    if (!setChild) {
      // Loaded here, after the globals above exist.
      const ForgeReconciler = (await import('@forge/react')).default;
      ForgeReconciler.render(<Host />);
      await until(
        () => setChild !== undefined,
        () => 'the UI Kit root did not mount',
      );
    }
    state.invokes.length = 0;
    state.submits.length = 0;
    // A fresh key remounts even an element of the same type (a new panel, not the old one's state).
    setChild!(element && <React.Fragment key={++shown}>{element}</React.Fragment>);
    await idle();
  },

  /** Waits until the UI is idle (no invoke in flight, nothing new rendered). */
  idle,

  /**
   * Puts `setInterval` (only the panel's countdown uses it) on Jest's fake timers; everything else,
   * Date included (the sandbox's virtual clock), stays as it is. Undo with `jest.useRealTimers()`.
   */
  fakeIntervals(): void {
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
      ],
    });
  },

  /** Fires the interval timers due within `ms` (after `ui.fakeIntervals()`), then waits until idle. */
  async runIntervals(ms: number): Promise<void> {
    jest.advanceTimersByTime(ms);
    await idle();
  },

  doc(): ForgeDoc {
    if (!state.doc) throw new Error('forge-ui: nothing rendered yet');
    return state.doc;
  },

  /** Everything a person can read on screen, in document order, one string. */
  text(doc: ForgeDoc = ui.doc()): string {
    return visibleText(doc).replace(/\s+/g, ' ').trim();
  },

  /** Waits until the rendered text shows `expected`, or fails saying what was shown. */
  async waitForText(expected: string | RegExp, timeoutMs = WAIT_LIMIT_MS): Promise<void> {
    const ok = () => {
      try {
        const t = ui.text();
        return typeof expected === 'string' ? t.includes(expected) : expected.test(t);
      } catch {
        return false;
      }
    };
    await until(ok, () => `"${expected}" did not appear. Screen: ${safeText()}`, timeoutMs);
  },

  /** Waits until some rendered node satisfies `pred`. */
  async waitFor(pred: (d: ForgeDoc) => boolean, what: string): Promise<void> {
    await until(
      () => {
        try {
          return ui.findAll(pred).length > 0;
        } catch {
          return false;
        }
      },
      () => `${what} did not appear. Screen: ${safeText()}`,
    );
  },

  findAll(pred: (d: ForgeDoc) => boolean, doc: ForgeDoc = ui.doc()): ForgeDoc[] {
    const out: ForgeDoc[] = [];
    const walk = (d: ForgeDoc) => {
      if (pred(d)) out.push(d);
      for (const c of d.children ?? []) walk(c);
    };
    walk(doc);
    return out;
  },

  button(label: string): ForgeDoc {
    const found = ui.findAll((d) => d.type === 'Button' && ui.text(d) === label);
    if (found.length !== 1)
      throw new Error(
        `forge-ui: expected one "${label}" button, found ${found.length}. Buttons: ${ui
          .findAll((d) => d.type === 'Button')
          .map((b) => ui.text(b))
          .join(', ')}`,
      );
    return found[0];
  },

  hasButton(label: string): boolean {
    return ui.findAll((d) => d.type === 'Button' && ui.text(d) === label).length > 0;
  },

  /** Presses an enabled button the way a person would: by calling its onClick. */
  async click(label: string): Promise<void> {
    const b = ui.button(label);
    if (b.props.isDisabled) throw new Error(`forge-ui: "${label}" is disabled`);
    await b.props.onClick?.();
    await idle();
  },

  /** Whether the checkbox labelled `label` is checked (its `isChecked` as the app rendered it). */
  isChecked(label: string): boolean {
    return !!checkbox(label).props.isChecked;
  },

  /**
   * Ticks or unticks the checkbox labelled `label` as a press does: its onChange gets the event UI Kit
   * documents (read through `currentTarget`), with the state the press gives it.
   */
  async toggle(label: string): Promise<void> {
    const c = checkbox(label);
    if (c.props.isDisabled) throw new Error(`forge-ui: "${label}" is disabled`);
    const target = { checked: !c.props.isChecked, value: c.props.value, name: c.props.name };
    await c.props.onChange?.({ currentTarget: target, target });
    await idle();
  },

  lozenges(): string[] {
    return ui.findAll((d) => d.type === 'Lozenge').map((l) => ui.text(l));
  },
};

function checkbox(label: string): ForgeDoc {
  const found = ui.findAll((d) => d.type === 'Checkbox' && d.props.label === label);
  if (found.length !== 1)
    throw new Error(
      `forge-ui: expected one "${label}" checkbox, found ${found.length}. Checkboxes: ${ui
        .findAll((d) => d.type === 'Checkbox')
        .map((c) => String(c.props.label))
        .join(', ')}`,
    );
  return found[0];
}

const safeText = () => {
  try {
    return ui.text();
  } catch {
    return '(nothing)';
  }
};

/** @forge/react turns DynamicTable cells into child nodes (Row/Cell), so children cover tables too. */
function visibleText(d: ForgeDoc): string {
  if (d.type === 'String') return String(d.props.text ?? '');
  const parts: string[] = [];
  if (typeof d.props?.title === 'string') parts.push(d.props.title);
  // A checkbox's label is a prop, drawn next to the box.
  if (d.type === 'Checkbox' && typeof d.props?.label === 'string') parts.push(d.props.label);
  parts.push(...(d.children ?? []).map(visibleText));
  return parts.join(' ');
}
