/** The self-check on the dashboard: an alert when new grants are paused or a check failed, else one line. */
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { token } from '@atlaskit/tokens';
import type { DashboardSelfCheck } from '../../../../src/shared/admin-contract';
import { formatTime } from './ui';

export function SelfCheckStatus({ selfCheck, onOpen }: { selfCheck: DashboardSelfCheck; onOpen?: () => void }) {
  const open = onOpen ? (
    <a
      href="#diagnostics"
      data-testid="open-diagnostics"
      onClick={(e) => {
        e.preventDefault();
        onOpen();
      }}
    >
      Open Diagnostics
    </a>
  ) : null;
  if (selfCheck.state === 'problem')
    return (
      <div
        data-testid="self-check-alert"
        data-paused={String(selfCheck.grantsPaused)}
        role="alert"
        style={{ margin: `${token('space.150', '12px')} 0` }}
      >
        <SectionMessage
          appearance={selfCheck.grantsPaused ? 'error' : 'warning'}
          title={
            selfCheck.grantsPaused ? 'New grants are paused: the self-check failed' : 'The self-check found problems'
          }
        >
          <p>
            {selfCheck.grantsPaused
              ? 'Forge storage does not behave as the app needs, so no new grant starts: requests wait, with the reason, and go on by themselves once the check passes. Revocations and expiries continue.'
              : 'New grants are not paused, but these may stop parts of the app:'}
          </p>
          <ul>
            {selfCheck.failed.map((f, i) => (
              <li key={i}>
                <strong>{f.title}</strong>: {f.saw}
              </li>
            ))}
          </ul>
          <p>Send the report from Diagnostics to support. {open}</p>
        </SectionMessage>
      </div>
    );
  const text =
    selfCheck.state === 'ok'
      ? `Self-check passed, ${formatTime(selfCheck.ranAt)}`
      : selfCheck.state === 'pending'
        ? `Self-check ran ${formatTime(selfCheck.ranAt)}: ${selfCheck.summary}`
        : selfCheck.summary;
  return (
    <div
      data-testid="self-check-status"
      data-state={selfCheck.state}
      role="status"
      style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'baseline', flexWrap: 'wrap' }}
    >
      <Lozenge
        appearance={selfCheck.state === 'ok' ? 'success' : selfCheck.state === 'pending' ? 'inprogress' : 'default'}
      >
        {selfCheck.state === 'ok'
          ? 'Self-check ok'
          : selfCheck.state === 'pending'
            ? 'Self-check waiting'
            : 'Self-check not run'}
      </Lozenge>
      <span>
        {text} {open}
      </span>
    </div>
  );
}
