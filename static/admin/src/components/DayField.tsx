/**
 * A day field on @atlaskit/datetime-picker's DatePicker, for the audit trail's UTC-day filters.
 *
 * The value stays the ISO day "2026-11-01" the URL and the resolver carry (docs/adr/0005), and is shown
 * in that same form: a day here is a UTC day, and a locale's "11/1/2026" would look like the viewer's
 * own. The picker deals in calendar days only (no time, no zone), so nothing converts it.
 */
import { DatePicker } from '@atlaskit/datetime-picker';
import { ErrorMessage, Label } from '@atlaskit/form';
import { token } from '@atlaskit/tokens';

export function DayField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (day: string) => void;
  error?: string;
}) {
  const errId = `${props.id}-error`;
  return (
    <div style={{ marginBottom: token('space.150', '12px'), maxWidth: 480 }}>
      <Label htmlFor={props.id}>{props.label}</Label>
      <DatePicker
        id={props.id}
        name={props.id}
        testId={props.id}
        value={props.value}
        dateFormat="YYYY-MM-DD"
        placeholder="YYYY-MM-DD"
        isInvalid={!!props.error}
        aria-describedby={props.error ? errId : undefined}
        onChange={props.onChange}
      />
      {props.error && (
        <div id={errId} data-testid={errId}>
          <ErrorMessage>{props.error}</ErrorMessage>
        </div>
      )}
    </div>
  );
}
