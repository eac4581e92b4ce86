/**
 * Runs the Okta emulator on its own with a seeded demo org: `npm run okta-emulator`.
 * Prints the URL and the SSWS token; runs until Ctrl-C.
 */
import { startOktaEmulator } from './okta-emulator';
import { seedDemoOrg } from './seed';

async function main(): Promise<void> {
  const emulator = await startOktaEmulator({ orgName: 'Atko Corp' });
  const seeded = seedDemoOrg(emulator);
  console.log(`Okta emulator listening on ${emulator.url}`);
  console.log(`SSWS token: ${emulator.apiToken}`);
  console.log(`  curl -H "Authorization: SSWS ${emulator.apiToken}" '${emulator.url}/api/v1/groups?q=PAM'`);
  console.log('Seeded users:', seeded.users);
  console.log('Seeded groups:', seeded.groups);
  console.log('Seeded rules:', seeded.rules);
  console.log('Ctrl-C to stop.');
  let seen = 0;
  const timer = setInterval(() => {
    for (; seen < emulator.violations.length; seen++) {
      const v = emulator.violations[seen];
      console.warn(`SPEC VIOLATION ${v.method} ${v.path}: ${v.reason}`);
    }
  }, 500);
  const stop = () => {
    clearInterval(timer);
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
