/**
 * Property tests over interleavings (docs/architecture.md, "Guarantees proven by property tests"):
 * fast-check generates runs of up to PROPS_COMMANDS commands (issues raised, edited, re-reported,
 * approved and reopened by the requester and others; panel relinquish / extend / revoke; product
 * events held, released and delivered twice; the clock moved across sweeps; Okta 503s; issues
 * deleted), drives the real app on a fresh sandbox per run, and checks every invariant after every
 * command. `npm test` runs a fixed seed; `npm run test:props -- --runs 5000` searches deeper.
 * Replaying a counterexample: test/properties/README.md.
 */
import fc from 'fast-check';
import { COMMANDS, FIRST } from './commands';
import { approvalOnLog, initialModel, openHarness } from './harness';
import { checkInvariants, coverage } from './invariants';

const env = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);
const RUNS = env('PROPS_RUNS') ?? 200;
const SEED = env('PROPS_SEED') ?? 20261130;
const PATH = process.env.PROPS_PATH || undefined;
const MAX_COMMANDS = env('PROPS_COMMANDS') ?? 12;
const REPLAY_PATH = process.env.PROPS_REPLAY_PATH || undefined;

beforeAll(() => {
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'warn').mockImplementation(() => {});
  jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(() => jest.restoreAllMocks());

describe('any interleaving of requests, edits, approvals, panel actions, late and repeated events, time and Okta faults', () => {
  it(`keeps the five guarantees after every command (${RUNS} runs, seed ${SEED})`, async () => {
    const started = process.hrtime.bigint();
    await fc.assert(
      // Every run opens with one or two issues raised (every other command needs one), then up to
      // MAX_COMMANDS - 2 commands of any kind.
      fc.asyncProperty(
        fc.array(FIRST, { minLength: 1, maxLength: 2 }),
        fc.commands(COMMANDS, {
          maxCommands: MAX_COMMANDS - 2,
          size: 'max',
          ...(REPLAY_PATH ? { replayPath: REPLAY_PATH } : {}),
        }),
        async (first, cmds) => {
          const h = await openHarness();
          try {
            await fc.asyncModelRun(() => ({ model: initialModel(h), real: h }), [...first, ...cmds]);
          } finally {
            await h.close();
          }
        },
      ),
      {
        numRuns: RUNS,
        seed: SEED,
        ...(PATH ? { path: PATH, endOnFailure: true } : {}),
        verbose: fc.VerbosityLevel.None,
      },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `property suite: ${RUNS} runs of <= ${MAX_COMMANDS} commands, seed ${SEED}, ${(ms / 1000).toFixed(1)} s; ` +
        `${coverage.commands} commands checked (${coverage.checksQuiet} quiet); checks with: ${JSON.stringify(Object.fromEntries(coverage.checksWith))}\n`,
    );
  }, 3_600_000);
});

describe('the invariants can fail (a check that cannot fail is a defect)', () => {
  it('a membership added by hand, or one the model was not told pre-existed, breaks invariant 2', async () => {
    const h = await openHarness();
    try {
      const m = initialModel(h);
      await checkInvariants(h, m);
      h.sb.okta.addMember(h.w.groups.windows, h.w.okta.alice);
      await expect(checkInvariants(h, m)).rejects.toThrow(
        /invariant 2 broken: .* member of windows without a running grant/,
      );
      h.sb.okta.removeMember(h.w.groups.windows, h.w.okta.alice);
      m.preexisting.clear();
      await expect(checkInvariants(h, m)).rejects.toThrow(/invariant 2 broken: .* member of linux/);
    } finally {
      await h.close();
    }
  });

  it("the approval rule on Jira's record: after the recording, by someone else, last move, no request edit since", () => {
    const g = { requesterAccountId: 'nev', historySeen: 1 };
    const edit = (author: string) => ({ author, fields: ['adminGroup'], set: {} });
    const move = (author: string, statusTo: string) => ({ author, fields: [], statusTo, set: {} });
    expect(approvalOnLog(g, [edit('nev'), move('ali', 'Approved')])).toEqual({ approver: 'ali' });
    expect(approvalOnLog(g, [move('ali', 'Approved')])).toHaveProperty(
      'no',
      expect.stringContaining('before the request was recorded'),
    );
    expect(approvalOnLog(g, [edit('nev'), move('nev', 'Approved')])).toHaveProperty(
      'no',
      expect.stringContaining('requester'),
    );
    expect(approvalOnLog(g, [edit('nev'), move('ali', 'Approved'), move('ali', 'To Do')])).toHaveProperty(
      'no',
      expect.stringContaining('not in "Approved"'),
    );
    expect(approvalOnLog(g, [edit('nev'), move('ali', 'Approved'), edit('ali')])).toHaveProperty(
      'no',
      expect.stringContaining('changed after the approval'),
    );
  });
});
