/**
 * `npm run test:props -- --runs 5000 [--seed N] [--path P] [--replay-path R] [--commands C]`: the
 * property suite alone, as deep as asked. Without --seed it draws one and prints it, so any run can be
 * replayed (test/properties/README.md).
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const seed = opt('seed') ?? String(Math.floor(Math.random() * 2 ** 31));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PROPS_RUNS: opt('runs') ?? process.env.PROPS_RUNS ?? '5000',
  PROPS_SEED: seed,
  ...(opt('path') ? { PROPS_PATH: opt('path') } : {}),
  ...(opt('replay-path') ? { PROPS_REPLAY_PATH: opt('replay-path') } : {}),
  ...(opt('commands') ? { PROPS_COMMANDS: opt('commands') } : {}),
};
process.stdout.write(`property suite: ${env.PROPS_RUNS} runs, seed ${seed}\n`);
const r = spawnSync(
  'npx',
  ['jest', '--testPathPattern', 'test/properties/', '--testNamePattern', 'keeps the five guarantees'],
  { env, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
