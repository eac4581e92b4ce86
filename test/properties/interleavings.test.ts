/**
 * Property tests over interleavings (docs/architecture.md, "Guarantees proven by property tests"):
 * fast-check picks PAM Linux Sysadmins' approver policy per run (none, one by anyone, two-person rule,
 * two ordered steps) and generates runs of up to PROPS_COMMANDS commands (issues raised, edited,
 * re-reported, approved and reopened by the requester and others; panel Approve / Deny by anyone, on
 * the current request or the one before; panel relinquish / extend / revoke; product events held,
 * released and delivered twice; the clock moved across sweeps; Okta 503s; issues deleted), drives the
 * real app on a fresh sandbox per run, and checks every invariant after every command. `npm test`
 * runs a fixed seed; `npm run test:props -- --runs 5000` searches deeper. Replaying a counterexample:
 * test/properties/README.md.
 */
import fc from 'fast-check';
import { COMMANDS, FIRST, OPENING } from './commands';
import {
  countApprovals,
  initialModel,
  openHarness,
  POLICIES,
  POLICY_NAMES,
  standingMove,
  standsOn,
  type ModelApproval,
  type Step,
  type StepSet,
} from './harness';
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
      // Every run has its Linux approver policy (none twice as often as each other one), opens with a
      // Linux New access request and one issue of any kind (every other command needs one), then up
      // to MAX_COMMANDS - 2 commands of any kind.
      fc.asyncProperty(
        fc.constantFrom(POLICY_NAMES[0], ...POLICY_NAMES),
        OPENING,
        FIRST,
        fc.commands(COMMANDS, {
          maxCommands: MAX_COMMANDS - 2,
          size: 'max',
          ...(REPLAY_PATH ? { replayPath: REPLAY_PATH } : {}),
        }),
        async (policy, opening, first, cmds) => {
          const h = await openHarness(policy);
          const model = initialModel(h);
          try {
            await fc.asyncModelRun(() => ({ model, real: h }), [opening, first, ...cmds]);
          } catch (e) {
            // The counterexample names issues and people as drawn; this is how the failing run resolved them.
            if (e instanceof Error) e.message += `\nAs run: ${model.trace.join(', ')}`;
            throw e;
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
        `${coverage.commands} commands checked (${coverage.checksQuiet} quiet); checks with: ${JSON.stringify(Object.fromEntries(coverage.checksWith))}; ` +
        `panel decisions: ${JSON.stringify(Object.fromEntries(coverage.decisions))}\n`,
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

  it("the model's standing move on Jira's record: after the recording, last status move, no request edit since", () => {
    const g = { historySeen: 1 };
    const at = '2026-11-22T09:00:00.000Z';
    const edit = (author: string) => ({ author, at, fields: ['adminGroup'], set: {} });
    const move = (author: string, statusTo: string) => ({ author, at, fields: [], statusTo, set: {} });
    expect(standingMove(g, [edit('nev'), move('ali', 'Approved')])).toEqual({
      move: { by: 'ali', at, via: 'status', historyAt: 1 },
    });
    expect(standingMove(g, [move('ali', 'Approved')])).toHaveProperty(
      'no',
      expect.stringContaining('before the request was recorded'),
    );
    expect(standingMove(g, [edit('nev'), move('ali', 'Approved'), move('ali', 'To Do')])).toHaveProperty(
      'no',
      expect.stringContaining('not in "Approved"'),
    );
    expect(standingMove(g, [edit('nev'), move('ali', 'Approved'), edit('ali')])).toHaveProperty(
      'no',
      expect.stringContaining('changed after'),
    );
    expect(standsOn([edit('nev'), move('ali', 'Approved')], 1)).toBe(true);
    expect(standsOn([edit('nev'), move('ali', 'Approved')], 0)).toBe(false);
  });

  it("the model's count: who, how many, in what order; the requester and who raised it never count", () => {
    const people: Record<string, string[]> = { ada: ['Security'], henry: ['Security'], alice: ['Administrators'] };
    const matches = (set: StepSet, who: string) =>
      (set.jiraGroups.length === 0 && set.projectRoles.length === 0 && set.accountIds.length === 0) ||
      set.accountIds.includes(who) ||
      [...set.jiraGroups, ...set.projectRoles].some((x) => (people[who] ?? []).includes(x));
    const a = (by: string, historyAt: number, via: ModelApproval['via'] = 'panel'): ModelApproval => ({
      by,
      at: '2026-11-22T09:00:00.000Z',
      via,
      historyAt,
    });
    const count = (steps: readonly Step[], xs: ModelApproval[]) =>
      countApprovals({ steps, approvals: xs, requester: 'nev', raisedBy: 'ali', matches });
    const two = POLICIES.twoPerson.approvalSteps;
    expect(count(two, [a('ada', 1), a('henry', 2)])).toMatchObject({ complete: true, step: 1 });
    expect(count(two, [a('ada', 1), a('ada', 2, 'status')])).toMatchObject({ complete: false, step: 0 });
    expect(count(two, [a('ada', 1), a('neville', 2)]).counted).toHaveLength(1);
    const seq = POLICIES.sequence.approvalSteps;
    // Alice (step 2) before any Security member: out of order, does not count even after step 1 is met.
    expect(count(seq, [a('alice', 1), a('ada', 2)])).toMatchObject({ complete: false, step: 1 });
    expect(count(seq, [a('ada', 1), a('alice', 2)])).toMatchObject({ complete: true });
    // History order decides, not the order given.
    expect(count(seq, [a('alice', 2), a('ada', 1)])).toMatchObject({ complete: true });
    // Anyone once: not the requester, not who raised it.
    const anyone = [{ approvers: { jiraGroups: [], projectRoles: [], accountIds: [] }, count: 1 }];
    expect(count(anyone, [a('nev', 1), a('ali', 2, 'status')])).toMatchObject({ complete: false });
    expect(count(anyone, [a('nev', 1), a('ada', 2, 'status')]).counted).toEqual([
      { ...a('ada', 2, 'status'), step: 0 },
    ]);
  });
});
