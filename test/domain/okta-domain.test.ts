import { validateOktaDomain } from '../../src/domain/okta-domain';

describe('validateOktaDomain', () => {
  it.each([
    ['atko.okta.com', 'https://atko.okta.com'],
    ['https://atko.okta.com', 'https://atko.okta.com'],
    ['https://Atko.Okta.com/', 'https://atko.okta.com'],
    ['dev-123456.okta.com', 'https://dev-123456.okta.com'],
    ['acme.oktapreview.com', 'https://acme.oktapreview.com'],
    ['acme.okta-emea.com', 'https://acme.okta-emea.com'],
  ])('accepts %s', (input, origin) => {
    expect(validateOktaDomain(input)).toMatchObject({ ok: true, origin });
  });

  it.each([
    ['', 'Enter your Okta domain'],
    ['http://atko.okta.com', 'https'],
    ['atko.okta.com.evil.com', 'Okta org host'],
    ['evilokta.com', 'Okta org host'],
    ['okta.com', 'Okta org host'],
    ['a.b.okta.com', 'org host'],
    ['atko.okta.com:8443', 'port'],
    ['https://atko.okta.com/api/v1', 'host name'],
    ['https://user@atko.okta.com', 'host name'],
    ['10.0.0.1', 'IP address'],
    ['[::1]', 'port'],
    ['atko-admin.okta.com', 'admin console'],
    ['-atko.okta.com', 'org host'],
    ['ftp://atko.okta.com', 'https'],
  ])('refuses %j', (input, reason) => {
    const r = validateOktaDomain(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('refuses non-strings', () => {
    expect(validateOktaDomain(42).ok).toBe(false);
    expect(validateOktaDomain(undefined).ok).toBe(false);
  });
});
