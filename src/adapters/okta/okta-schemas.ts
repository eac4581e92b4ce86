/**
 * zod schemas for the Okta answers this adapter reads: only the fields it uses, everything else let
 * through (loose objects), so Okta adding fields never breaks us and a missing field we rely on does.
 */
import { z } from 'zod';

/** Okta's error body: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. */
export const oktaErrorBody = z.looseObject({
  errorCode: z.string(),
  errorSummary: z.string().optional(),
  errorId: z.string().optional(),
  errorCauses: z.array(z.looseObject({ errorSummary: z.string().optional() })).optional(),
});
export type OktaErrorBody = z.infer<typeof oktaErrorBody>;

/** The OAuth token endpoint's error body (RFC 6749 §5.2). */
export const oauthErrorBody = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});

export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponse>;

export const oktaUser = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  profile: z.looseObject({
    login: z.string(),
    email: z.string().optional(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
  }),
});
export type OktaUser = z.infer<typeof oktaUser>;

export const oktaGroup = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  profile: z.looseObject({
    name: z.string(),
  }),
});
export type OktaGroup = z.infer<typeof oktaGroup>;

export const oktaGroupRule = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  status: z.string().optional(),
  actions: z
    .looseObject({
      assignUserToGroups: z
        .looseObject({
          groupIds: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type OktaGroupRule = z.infer<typeof oktaGroupRule>;

export const oktaRole = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  label: z.string().optional(),
});

export const oktaOrgSettings = z.looseObject({
  companyName: z.string().nullish(),
  subdomain: z.string().nullish(),
});

/** Any Okta object when only its id matters (member lists). */
export const oktaIdOnly = z.looseObject({ id: z.string().min(1) });
