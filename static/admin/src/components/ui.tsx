/** Small building blocks shared by the screens: labelled fields, states, time formatting. */
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorOf } from '../api';

export function useLoad<T>(load: () => Promise<T>) {
  const [state, setState] = useState<{ data?: T; error?: { code: string; message: string }; loading: boolean }>({
    loading: true,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      setState({ data, loading: false });
      return data;
    } catch (e) {
      setState((s) => ({ data: s.data, error: errorOf(e), loading: false }));
      return undefined;
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload, setData: (data: T) => setState({ data, loading: false }) };
}

export function Loading({ label }: { label: string }) {
  return (
    <div
      role="status"
      style={{
        display: 'flex',
        gap: token('space.100', '8px'),
        alignItems: 'center',
        padding: token('space.200', '16px'),
      }}
    >
      <Spinner size="medium" label={label} />
      <span>{label}</span>
    </div>
  );
}

export function Problem({ title, message, testId }: { title: string; message: string; testId?: string }) {
  return (
    <div data-testid={testId ?? 'problem'} role="alert" style={{ margin: `${token('space.150', '12px')} 0` }}>
      <SectionMessage appearance="error" title={title}>
        <p>{message}</p>
      </SectionMessage>
    </div>
  );
}

/**
 * A screen (or part of one) that could not load: its error and Try again, never an empty list under
 * it, which would read as "there is nothing".
 */
export function LoadProblem({
  title,
  message,
  onRetry,
  busy,
  testId,
}: {
  title: string;
  message: string;
  onRetry: () => void;
  busy?: boolean;
  testId?: string;
}) {
  return (
    <div data-testid={testId ?? 'load-problem'} role="alert" style={{ margin: `${token('space.150', '12px')} 0` }}>
      <SectionMessage appearance="error" title={title}>
        <p>{message}</p>
        <p>
          <Button testId="try-again" isLoading={busy} onClick={onRetry}>
            Try again
          </Button>
        </p>
      </SectionMessage>
    </div>
  );
}

export function Notice({
  appearance,
  title,
  children,
  testId,
}: {
  appearance: 'success' | 'warning' | 'information' | 'error';
  title?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div
      data-testid={testId}
      role={appearance === 'error' ? 'alert' : 'status'}
      style={{ margin: `${token('space.150', '12px')} 0` }}
    >
      <SectionMessage appearance={appearance} title={title}>
        {children}
      </SectionMessage>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p
      data-testid="empty"
      style={{ color: token('color.text.subtle', '#505F79'), padding: token('space.200', '16px'), textAlign: 'center' }}
    >
      {children}
    </p>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  helper?: ReactNode;
  type?: 'text' | 'number' | 'password';
  placeholder?: string;
  required?: boolean;
  width?: number | string;
  autoComplete?: string;
  /** The allowed range of a number, shown next to the label whatever the field holds (e.g. 1 to 168 h). */
  limit?: { min: number; max: number; unit?: string };
}) {
  const helpId = `${props.id}-help`;
  const errId = `${props.id}-error`;
  const limitId = `${props.id}-limit`;
  const described = [props.limit ? limitId : '', props.error ? errId : props.helper ? helpId : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div style={{ marginBottom: token('space.150', '12px'), maxWidth: props.width ?? 480 }}>
      <Label htmlFor={props.id}>
        {props.label}
        {props.required ? ' *' : ''}
        {props.limit && <LimitHint id={limitId} {...props.limit} />}
      </Label>
      <Textfield
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        isInvalid={!!props.error}
        autoComplete={props.autoComplete ?? 'off'}
        {...(props.limit ? { min: props.limit.min, max: props.limit.max } : {})}
        aria-describedby={described || undefined}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).value)}
      />
      {props.error ? (
        <div id={errId} data-testid={`${props.id}-error`}>
          <ErrorMessage>{props.error}</ErrorMessage>
        </div>
      ) : props.helper ? (
        <div id={helpId}>
          <HelperMessage>{props.helper}</HelperMessage>
        </div>
      ) : null}
    </div>
  );
}

/** "1–168 h": a number's allowed range, beside its label. */
export const limitText = (l: { min: number; max: number; unit?: string }) =>
  `${l.min}–${l.max}${l.unit ? ` ${l.unit}` : ''}`;

export function LimitHint({ id, ...l }: { id: string; min: number; max: number; unit?: string }) {
  return (
    <span
      id={id}
      data-testid={id}
      style={{
        marginLeft: token('space.075', '6px'),
        fontWeight: 400,
        whiteSpace: 'nowrap',
        color: token('color.text.subtle', '#505F79'),
      }}
    >
      {limitText(l)}
    </span>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <div data-testid={`${id}-error`}>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  ) : null;
}

/** "" stays undefined so the schema says "must be a number" instead of treating it as 0. */
export const toNumber = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/**
 * The admin page's one time rule (docs/adr/0005): every time is shown in UTC, labelled, as
 * "2026-11-22 09:05 UTC" (the audit trail adds seconds), never in the viewer's zone. Admins on different
 * continents, the CSV export and the audit filters' UTC days then all say the same thing.
 */
export function formatTime(iso?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function relative(iso: string | undefined, nowIso: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - Date.parse(nowIso);
  const abs = Math.abs(ms);
  const mins = Math.round(abs / 60_000);
  const text =
    mins < 1
      ? 'less than a minute'
      : mins < 120
        ? `${mins} min`
        : abs < 48 * 3_600_000
          ? `${Math.round(abs / 3_600_000)} h`
          : `${Math.round(abs / 86_400_000)} days`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export const sectionStyle = { marginTop: token('space.300', '24px') };
