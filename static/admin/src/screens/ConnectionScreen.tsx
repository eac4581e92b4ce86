import Button from '@atlaskit/button/new';
import { Fieldset, HelperMessage, Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import { RadioGroup } from '@atlaskit/radio';
import TextArea from '@atlaskit/textarea';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  ConnectionInput,
  OKTA_SCOPES,
  fieldErrors,
  type ConnectionTestResult,
  type ConnectionView,
} from '../../../../src/shared/admin-contract';
import { call, errorOf } from '../api';
import { ConnectionStatusLine } from '../components/ConnectionStatus';
import { Expandable } from '../components/Expandable';
import { FieldError, Loading, LoadProblem, Notice, Problem, TextField, useLoad } from '../components/ui';
import { sameValue, useUnsavedEdits } from '../unsaved';

type Draft = {
  domain: string;
  method: 'api-token' | 'oauth';
  clientId: string;
  keyId: string;
  apiToken: string;
  privateKeyPem: string;
};

const fromView = (v: ConnectionView): Draft => ({
  domain: v.domain ?? '',
  method: v.method,
  clientId: v.clientId ?? '',
  keyId: v.keyId ?? '',
  apiToken: '',
  privateKeyPem: '',
});

/** What the form would send: what Save stores and Test connection tries. */
const payloadOf = (d: Draft) => ({
  domain: d.domain,
  method: d.method,
  ...(d.method === 'oauth'
    ? { clientId: d.clientId, keyId: d.keyId, privateKeyPem: d.privateKeyPem }
    : { apiToken: d.apiToken }),
});

function SecretState({ state, testId }: { state: 'set' | 'not set'; testId: string }) {
  return (
    <span data-testid={testId}>
      <Lozenge appearance={state === 'set' ? 'success' : 'default'}>{state}</Lozenge>
    </span>
  );
}

/** Okta's technical side of a result (HTTP status, Okta error code, request id), shown on request. */
function OktaDetails({ details, testId }: { details?: string; testId: string }) {
  if (!details) return null;
  return (
    <Expandable compact summary="Details" testId={testId}>
      <small className="long-text">{details}</small>
    </Expandable>
  );
}

export function ConnectionScreen({ onSaved }: { onSaved?: (v: ConnectionView) => void }) {
  const loaded = useLoad(() => call(ADMIN_KEYS.connectionGet));
  const [draft, setDraft] = useState<Draft | undefined>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<'save' | 'test' | undefined>();
  const [banner, setBanner] = useState<
    { kind: 'saved'; test: ConnectionTestResult } | { kind: 'error'; message: string } | undefined
  >();
  const [test, setTest] = useState<ConnectionTestResult | undefined>();
  // Unsaved: the form would send something other than what is stored (a typed secret always is).
  const dirty = !!draft && !!loaded.data && !sameValue(payloadOf(draft), payloadOf(fromView(loaded.data)));
  useUnsavedEdits(dirty);

  if (loaded.loading && !loaded.data) return <Loading label="Loading the Okta connection…" />;
  if (loaded.error && !loaded.data)
    return (
      <LoadProblem
        title="Could not load the Okta connection"
        message={loaded.error.message}
        onRetry={() => void loaded.reload()}
      />
    );
  const view = loaded.data!;
  const d = draft ?? fromView(view);
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...d, ...patch });
    setBanner(undefined);
  };

  const payload = () => payloadOf(d);
  /** Back to what is stored, read again: the form may have waited on a hidden tab for a while. */
  const discard = () => {
    setDraft(undefined);
    setErrors({});
    setBanner(undefined);
    setTest(undefined);
    void loaded.reload();
  };

  /** Validates with the same schema the resolver uses; server refusals land on their field. */
  async function run(kind: 'save' | 'test') {
    setBanner(undefined);
    setTest(undefined);
    const parsed = ConnectionInput.safeParse(payload());
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(kind);
    try {
      if (kind === 'save') {
        const { test: tested, ...saved } = await call(ADMIN_KEYS.connectionSave, payload());
        loaded.setData(saved);
        setDraft(fromView(saved));
        setBanner({ kind: 'saved', test: tested });
        onSaved?.(saved);
      } else {
        const tested = await call(ADMIN_KEYS.connectionTest, payload());
        setTest(tested);
        // A test of the saved settings is the connection's status now: read it back.
        if (!tested.unsaved) await loaded.reload();
      }
    } catch (e) {
      const err = errorOf(e);
      if (err.code === ADMIN_ERRORS.domain) setErrors({ domain: err.message });
      else if (err.code === ADMIN_ERRORS.secretRequired)
        setErrors({ [d.method === 'oauth' ? 'privateKeyPem' : 'apiToken']: err.message });
      else setBanner({ kind: 'error', message: err.message });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <form
      data-testid="connection-screen"
      onSubmit={(e) => {
        e.preventDefault();
        void run('save');
      }}
      noValidate
    >
      <p style={{ maxWidth: 640 }}>
        The app signs in to your Okta org to add and remove members of the allowlisted groups. Credentials are stored in
        Forge secret storage and are never shown again.
      </p>
      <ConnectionStatusLine status={view.status} />
      <TextField
        id="domain"
        label="Okta domain"
        required
        value={d.domain}
        onChange={(v) => set({ domain: v })}
        error={errors.domain}
        placeholder="acme.okta.com"
        helper="Your org host, e.g. acme.okta.com or acme.oktapreview.com (not the -admin host)."
      />

      <div style={{ marginBottom: token('space.150', '12px') }}>
        {/* Atlaskit's RadioGroup: native radios, so the choice and its state are in the accessibility tree. */}
        <Fieldset legend={<span id="method-label">How the app signs in</span>}>
          <RadioGroup
            name="method"
            labelId="method-label"
            value={d.method}
            onChange={(e) => set({ method: e.currentTarget.value === 'oauth' ? 'oauth' : 'api-token' })}
            options={[
              { value: 'api-token', label: 'API token', testId: 'method-api-token' },
              { value: 'oauth', label: 'OAuth service app (recommended)', testId: 'method-oauth' },
            ]}
          />
        </Fieldset>
      </div>

      {d.method === 'api-token' ? (
        <TextField
          id="apiToken"
          label="API token"
          type="password"
          value={d.apiToken}
          onChange={(v) => set({ apiToken: v })}
          error={errors.apiToken}
          autoComplete="new-password"
          placeholder={view.apiToken === 'set' ? 'Leave empty to keep the stored token' : 'Paste the token'}
          helper={
            <>
              Stored token: <SecretState state={view.apiToken} testId="apiToken-state" /> Create one in Okta Admin ›
              Security › API › Tokens.
            </>
          }
        />
      ) : (
        <>
          <TextField
            id="clientId"
            label="Client id"
            required
            value={d.clientId}
            onChange={(v) => set({ clientId: v })}
            error={errors.clientId}
            placeholder="0oa…"
          />
          <TextField
            id="keyId"
            label="Key id (kid)"
            value={d.keyId}
            onChange={(v) => set({ keyId: v })}
            error={errors.keyId}
            helper="Optional: the key id Okta shows next to the public key."
          />
          <div style={{ marginBottom: token('space.150', '12px'), maxWidth: 640 }}>
            <Label htmlFor="privateKeyPem">Private key (PEM)</Label>
            <TextArea
              id="privateKeyPem"
              name="privateKeyPem"
              value={d.privateKeyPem}
              isInvalid={!!errors.privateKeyPem}
              minimumRows={4}
              resize="vertical"
              placeholder={
                view.privateKey === 'set' ? 'Leave empty to keep the stored key' : '-----BEGIN PRIVATE KEY-----'
              }
              onChange={(e) => set({ privateKeyPem: e.target.value })}
            />
            <FieldError id="privateKeyPem" error={errors.privateKeyPem} />
            {!errors.privateKeyPem && (
              <HelperMessage>
                Stored key: <SecretState state={view.privateKey} testId="privateKey-state" /> Grant the service app
                exactly these scopes (Okta API Scopes tab):{' '}
                <span data-testid="required-scopes">{OKTA_SCOPES.join(', ')}</span>. Okta refuses every token while one
                is missing.
              </HelperMessage>
            )}
          </div>
        </>
      )}

      <div style={{ display: 'flex', gap: token('space.100', '8px'), marginTop: token('space.200', '16px') }}>
        <Button
          type="submit"
          appearance="primary"
          testId="save-connection"
          isLoading={busy === 'save'}
          isDisabled={!!busy}
        >
          Save
        </Button>
        <Button
          testId="test-connection"
          isLoading={busy === 'test'}
          isDisabled={!!busy}
          onClick={() => void run('test')}
        >
          Test connection
        </Button>
        {dirty && (
          <Button appearance="subtle" testId="discard-connection" isDisabled={!!busy} onClick={discard}>
            Discard changes
          </Button>
        )}
      </div>

      {banner?.kind === 'saved' &&
        (banner.test.level === 'ok' ? (
          <Notice appearance="success" testId="connection-saved">
            Okta connection saved and tested. {banner.test.message}
          </Notice>
        ) : (
          <Notice
            appearance={banner.test.level === 'warning' ? 'warning' : 'error'}
            testId="connection-saved-rejected"
            title={
              banner.test.credentialsOk
                ? 'Saved, but Okta does not allow everything the app needs'
                : 'Saved, but Okta rejected it'
            }
          >
            <p>
              {banner.test.credentialsOk ? 'Saved. ' : 'Saved, but Okta rejected it: '}
              {banner.test.message}
            </p>
            <OktaDetails details={banner.test.details} testId="connection-saved-details" />
          </Notice>
        ))}
      {banner?.kind === 'error' && <Problem title="Nothing was saved" message={banner.message} />}
      {test && (
        <Notice
          testId="test-result"
          appearance={test.level === 'ok' ? 'success' : test.level === 'warning' ? 'warning' : 'error'}
          title={`${test.orgName ? `Okta org: ${test.orgName}` : 'The connection does not work'}${test.unsaved ? ' (settings not saved)' : ''}`}
        >
          <p>{test.message}</p>
          {test.missingScopes.length > 0 && (
            <p>
              Missing scopes: <strong data-testid="missing-scopes">{test.missingScopes.join(', ')}</strong>
            </p>
          )}
          <p>
            Credentials:{' '}
            <strong data-testid="credentials-ok">{test.credentialsOk ? 'accepted' : 'not accepted'}</strong>
          </p>
          <OktaDetails details={test.details} testId="test-result-details" />
        </Notice>
      )}
    </form>
  );
}
