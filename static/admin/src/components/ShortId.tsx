/**
 * A long identifier (Okta group or request id, grant id) shortened to fit a table cell, whole in its
 * tooltip and for screen readers, with a button that copies it whole. Ids never wrap.
 */
import Button from '@atlaskit/button/new';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';

/** Ids up to this length are shown whole; longer ones keep their start and end ("00g1ab…9xk7"). */
const KEEP = 12;

export const shorten = (id: string): string => (id.length <= KEEP ? id : `${id.slice(0, 6)}…${id.slice(-4)}`);

export function ShortId({ id, label, testId }: { id: string; label: string; testId?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  async function copy() {
    try {
      await navigator.clipboard.writeText(id);
      setCopied('yes');
    } catch {
      // No clipboard in this frame (permissions policy): the id stays selectable in the tooltip.
      setCopied('no');
    }
  }
  return (
    <span
      data-testid={testId}
      data-full-id={id}
      style={{ display: 'inline-flex', alignItems: 'center', gap: token('space.050', '4px'), whiteSpace: 'nowrap' }}
    >
      <code title={id} aria-label={`${label} ${id}`}>
        {shorten(id)}
      </code>
      {id.length > KEEP && (
        <Button
          spacing="compact"
          appearance="subtle"
          onClick={() => void copy()}
          aria-label={`Copy ${label} ${id}`}
          testId={testId ? `${testId}-copy` : undefined}
        >
          {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Copy failed' : 'Copy'}
        </Button>
      )}
    </span>
  );
}
