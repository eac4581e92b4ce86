/**
 * Checks a JSON answer against a model of Okta's own Node SDK (@okta/okta-sdk-nodejs), using only
 * what the SDK ships: each model class's `attributeTypeMap` (the attributes the SDK deserializes, and
 * their types) and its TypeScript declaration (which attributes may be null, and each enum's values).
 *
 * A problem is any of:
 * - a value whose JSON type is not the attribute's type (a `Date` must be an ISO 8601 date-time, an
 *   enum one of its declared values, a model an object, an array an array);
 * - `null` where the SDK's declaration does not allow it;
 * - a key the model does not declare (the SDK drops it: the emulator invented or misspelled a field),
 *   unless the model is extensible (custom profile attributes);
 * - an attribute missing that `PRESENT` says Okta always returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as okta from '@okta/okta-sdk-nodejs';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}
interface ModelClass {
  attributeTypeMap: Attribute[];
  isExtensible?: boolean;
}

/** The SDK's own TypeScript declarations of its models. */
const DECLARATIONS = path.join(
  path.dirname(require.resolve('@okta/okta-sdk-nodejs/package.json')),
  'src',
  'types',
  'generated',
  'models',
);

/** Attributes Okta returns whatever the data (Okta's examples for each operation), by SDK model. */
type Presence = { all: true; except: Record<string, string> } | { only: string[] };

/**
 * Resources: every attribute of the SDK's model, except those Okta returns only in some cases (the
 * reason is the value). Nested objects: the attributes named. Sources: the response examples of each
 * operation in Okta's management spec (okta-sdk-nodejs 8.1.0, oas-spec/management.yaml), and Okta's
 * default user profile, whose login, email, firstName and lastName are required.
 */
export const PRESENT: Record<string, Presence> = {
  User: {
    all: true,
    except: {
      realmId: 'only in orgs that use Okta Realms',
      transitioningToStatus: 'only while a lifecycle change is in progress',
      _embedded: 'only with ?expand',
    },
  },
  UserGetSingleton: {
    all: true,
    except: {
      realmId: 'only in orgs that use Okta Realms',
      transitioningToStatus: 'only while a lifecycle change is in progress',
      _embedded: 'only with ?expand',
    },
  },
  Group: { all: true, except: { _embedded: 'only with ?expand=stats or ?expand=app' } },
  GroupRule: { all: true, except: {} },
  StandardRole: { all: true, except: { _embedded: 'only with ?expand=targets/...' } },
  OrgSetting: {
    all: true,
    except: {
      address1: 'contact details the admin may leave empty',
      address2: 'contact details the admin may leave empty',
      city: 'contact details the admin may leave empty',
      country: 'contact details the admin may leave empty',
      endUserSupportHelpURL: 'contact details the admin may leave empty',
      phoneNumber: 'contact details the admin may leave empty',
      postalCode: 'contact details the admin may leave empty',
      state: 'contact details the admin may leave empty',
      supportPhoneNumber: 'contact details the admin may leave empty',
      website: 'contact details the admin may leave empty',
      expiresAt: 'only for orgs that expire (trials); the spec does not allow null',
    },
  },
  ModelError: { all: true, except: {} },
  UserProfile: { only: ['login', 'email', 'firstName', 'lastName'] },
  GroupProfile: { only: ['name'] },
  UserCredentials: { only: ['provider'] },
  AuthenticationProvider: { only: ['type', 'name'] },
  UserTypeInline: { only: ['id'] },
  UserLinks: { only: ['self'] },
  GroupLinks: { only: ['logo', 'users', 'apps'] },
  GroupRuleConditions: { only: ['expression'] },
  GroupRuleExpression: { only: ['type', 'value'] },
  GroupRuleAction: { only: ['assignUserToGroups'] },
  GroupRuleGroupAssignment: { only: ['groupIds'] },
  LinksAssignee: { only: ['assignee'] },
  HrefObject: { only: ['href'] },
  HrefObjectSelfLink: { only: ['href'] },
  HrefObjectAssigneeLink: { only: ['href'] },
  ErrorCause: { only: ['errorSummary'] },
};

const PRIMITIVES = new Set(['string', 'boolean', 'double', 'integer', 'long', 'float', 'number', 'any']);
/** RFC 3339 date-time, as Okta writes it (`2013-06-24T16:39:18.000Z`). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const declarationCache = new Map<string, string>();
function declaration(file: string): string {
  let text = declarationCache.get(file);
  if (text === undefined) {
    const p = path.join(DECLARATIONS, `${file}.d.ts`);
    text = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
    declarationCache.set(file, text);
  }
  return text;
}

/** The SDK's model class for `name`, if it is a model (an enum or unknown name is not). */
export function sdkModel(name: string): ModelClass | undefined {
  const m = (okta as unknown as Record<string, unknown>)[name] as ModelClass | undefined;
  return m && Array.isArray(m.attributeTypeMap) ? m : undefined;
}

/** An enum's values, declared in its own file or (inline enums) in the file of the model using it. */
function enumValues(name: string, owner: string): string[] | undefined {
  for (const file of [name, owner]) {
    const m = new RegExp(`export (?:declare )?type ${name} = ([^;]+);`).exec(declaration(file));
    if (m) return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
  }
  return undefined;
}

/** Whether the SDK declares `model.attribute` as possibly null (`'attr'?: T | null`). */
function nullable(model: string, attribute: string): boolean {
  const m = new RegExp(`'${attribute}'\\?: ([^;]+);`).exec(declaration(model));
  return !!m && /\|\s*null\b/.test(m[1]);
}

const describeValue = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);

/** Problems of `value` as an instance of the SDK type `type` (a model, enum, primitive, array or map). */
export function conformance(value: unknown, type: string, where = type, owner = type): string[] {
  const problems: string[] = [];
  const walk = (v: unknown, t: string, at: string, own: string): void => {
    if (t === 'any') return;
    if (PRIMITIVES.has(t.toLowerCase())) {
      const want = t === 'string' ? 'string' : t === 'boolean' ? 'boolean' : 'number';
      if (typeof v !== want) problems.push(`${at}: ${describeValue(v)}, the SDK expects ${t}`);
      else if ((t === 'integer' || t === 'long') && !Number.isInteger(v))
        problems.push(`${at}: ${String(v)} is not an integer`);
      return;
    }
    if (t === 'Date') {
      if (typeof v !== 'string' || !DATE_TIME.test(v) || Number.isNaN(Date.parse(v)))
        problems.push(`${at}: ${JSON.stringify(v)} is not an ISO 8601 date-time`);
      return;
    }
    if (t.startsWith('Array<')) {
      if (!Array.isArray(v)) {
        problems.push(`${at}: ${describeValue(v)}, the SDK expects ${t}`);
        return;
      }
      v.forEach((x, i) => walk(x, t.slice(6, -1), `${at}[${i}]`, own));
      return;
    }
    if (t.startsWith('{ [key: string]: ')) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        problems.push(`${at}: ${describeValue(v)}, the SDK expects a map`);
        return;
      }
      for (const [k, x] of Object.entries(v)) walk(x, t.slice(17, -3), `${at}.${k}`, own);
      return;
    }
    const model = sdkModel(t);
    if (!model) {
      const values = enumValues(t, own);
      if (!values) problems.push(`${at}: the SDK has no model or enum named ${t}`);
      else if (typeof v !== 'string' || !values.includes(v))
        problems.push(`${at}: ${JSON.stringify(v)} is not one of ${t} (${values.join(', ')})`);
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(`${at}: ${describeValue(v)}, the SDK expects a ${t} object`);
      return;
    }
    const obj = v as Record<string, unknown>;
    const declared = new Set(model.attributeTypeMap.map((a) => a.baseName));
    if (!model.isExtensible) {
      for (const k of Object.keys(obj))
        if (!declared.has(k)) problems.push(`${at}.${k}: not an attribute of the SDK's ${t} (the SDK drops it)`);
    }
    const presence = PRESENT[t];
    for (const a of model.attributeTypeMap) {
      const x = obj[a.baseName];
      if (x === undefined) {
        const required =
          presence && ('all' in presence ? !(a.baseName in presence.except) : presence.only.includes(a.baseName));
        if (required) problems.push(`${at}.${a.baseName}: missing (Okta always returns it)`);
        continue;
      }
      if (x === null) {
        if (!nullable(t, a.name)) problems.push(`${at}.${a.baseName}: null, but the SDK's ${t} does not allow null`);
        continue;
      }
      walk(x, a.type, `${at}.${a.baseName}`, t);
    }
  };
  walk(value, type, where, owner);
  return problems;
}
