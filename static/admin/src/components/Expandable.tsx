/**
 * A section the admin opens on demand (ADR 0005). Atlaskit has no stable expand primitive, so an
 * Atlaskit subtle button carries the disclosure pattern: aria-expanded says whether the section is
 * open and aria-controls names it. The content stays in the DOM while closed (hidden), as it did in
 * the <details> this replaces, so anything reading its text (a test, a screen reader on demand) sees it.
 */
import Button from '@atlaskit/button/new';
import ChevronDownIcon from '@atlaskit/icon/core/chevron-down';
import ChevronRightIcon from '@atlaskit/icon/core/chevron-right';
import { useId, useState, type CSSProperties, type ReactNode } from 'react';

export function Expandable({
  summary,
  children,
  defaultOpen = false,
  compact = false,
  testId,
  style,
}: {
  /** What the toggle says, open or closed. */
  summary: ReactNode;
  children: ReactNode;
  /** Read once, at mount; give the element a new key to apply a new default. */
  defaultOpen?: boolean;
  /** Compact toggle, for a section inside a table cell. */
  compact?: boolean;
  /** On the wrapper; the toggle gets `<testId>-toggle`, the content `<testId>-content`. */
  testId?: string;
  style?: CSSProperties;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const contentId = `${useId()}-content`;
  return (
    <div data-testid={testId} data-open={open} style={style}>
      <Button
        appearance="subtle"
        spacing={compact ? 'compact' : 'default'}
        iconBefore={open ? ChevronDownIcon : ChevronRightIcon}
        aria-expanded={open}
        aria-controls={contentId}
        testId={testId && `${testId}-toggle`}
        onClick={() => setOpen((was) => !was)}
      >
        {summary}
      </Button>
      <div id={contentId} data-testid={testId && `${testId}-content`} hidden={!open}>
        {children}
      </div>
    </div>
  );
}
