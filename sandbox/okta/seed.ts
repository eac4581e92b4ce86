/**
 * A small demo org for the standalone emulator and the demo script. Returns the created ids by name
 * (users by login, groups by group name, rules by rule name).
 */
import type { OktaEmulator } from './okta-emulator';

export interface SeededOrg {
  users: Record<string, string>;
  groups: Record<string, string>;
  rules: Record<string, string>;
}

export function seedDemoOrg(emulator: OktaEmulator): SeededOrg {
  const users: Record<string, string> = {};
  const groups: Record<string, string> = {};
  const rules: Record<string, string> = {};
  const user = (
    login: string,
    firstName: string,
    lastName: string,
    status?: 'ACTIVE' | 'DEPROVISIONED' | 'SUSPENDED',
  ) => {
    users[login] = emulator.addUser({ login, email: login, firstName, lastName, status }).id;
  };
  user('neville.newadmin@atko.email', 'Neville', 'Newadmin');
  user('alice.approver@atko.email', 'Alice', 'Approver');
  user('sam.sysadmin@atko.email', 'Sam', 'Sysadmin');
  user('dana.departed@atko.email', 'Dana', 'Departed', 'DEPROVISIONED');

  const group = (name: string, description: string, type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN') => {
    groups[name] = emulator.addGroup({ name, description, type }).id;
  };
  group('Everyone', 'All users in your organization', 'BUILT_IN');
  group('PAM Linux Sysadmins', 'Root on the Linux fleet via Okta Privileged Access');
  group('PAM Windows Admins', 'Local admin on Windows servers via Okta Privileged Access');
  group('AWS Production Admins', 'Imported from the AWS app', 'APP_GROUP');
  group('Engineering (rule-managed)', 'Filled by a group rule on department');
  group('Okta Super Admins', 'Holds the SUPER_ADMIN role');

  rules['Engineering department'] = emulator.addRule({
    name: 'Engineering department',
    groupIds: [groups['Engineering (rule-managed)']],
  }).id;
  emulator.addRole(groups['Okta Super Admins'], 'SUPER_ADMIN');

  for (const login of Object.keys(users)) emulator.addMember(groups['Everyone'], users[login]);
  emulator.addMember(groups['PAM Linux Sysadmins'], users['sam.sysadmin@atko.email']);
  emulator.addMember(groups['Engineering (rule-managed)'], users['sam.sysadmin@atko.email']);
  return { users, groups, rules };
}
