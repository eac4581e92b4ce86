/** The saved Okta connection's lasting status, on the connection tab and the dashboard. */
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { ConnectionStatus } from '../../../../src/shared/admin-contract';
import { Expandable } from './Expandable';
import { formatTime } from './ui';

export function ConnectionStatusLine({ status, onOpen }: { status?: ConnectionStatus; onOpen?: () => void }) {
  if (!status) return null;
  const checked = status.checkedAt ? ` · checked ${formatTime(status.checkedAt)}` : '';
  const fix = onOpen ? (
    <>
      {' '}
      <a
        href="#okta-connection"
        onClick={(e) => {
          e.preventDefault();
          onOpen();
        }}
      >
        Open the Okta connection tab
      </a>
    </>
  ) : null;
  return (
    <div
      data-testid="connection-status"
      data-state={status.state}
      role={status.state === 'problem' ? 'alert' : 'status'}
      style={{
        display: 'flex',
        gap: token('space.100', '8px'),
        alignItems: 'baseline',
        flexWrap: 'wrap',
        margin: `${token('space.100', '8px')} 0`,
      }}
    >
      <Lozenge
        appearance={status.state === 'ok' ? 'success' : status.state === 'problem' ? 'removed' : 'default'}
        isBold={status.state === 'problem'}
      >
        {status.state === 'ok'
          ? 'Okta connected'
          : status.state === 'problem'
            ? 'Okta connection problem'
            : 'Okta not tested'}
      </Lozenge>
      <span data-testid="connection-status-text">
        {status.state === 'ok' && `Connected to ${status.orgName ?? 'Okta'}${checked}`}
        {status.state === 'problem' && (
          <>
            {status.problem}
            {checked}
            {fix}
          </>
        )}
        {status.state === 'unchecked' && <>The saved connection has not been tested yet: use Test connection.{fix}</>}
      </span>
      {status.state === 'problem' && status.problemDetails && (
        // Okta's status, error code and request id: for whoever asks Okta or support, on request.
        <Expandable compact summary="Details" testId="connection-status-details">
          <small className="long-text">{status.problemDetails}</small>
        </Expandable>
      )}
    </div>
  );
}
