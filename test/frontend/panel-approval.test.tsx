/**
 * The issue panel's approval section (approvals given of needed, who approved, who may, Approve and
 * Deny with a reason), rendered with the real UI Kit reconciler. The resolver is scripted with fixture
 * PanelData shaped by src/shared/panel-contract.ts, so these tests pin what a person sees and what the
 * panel sends; the server's decisions are tested where they are made.
 */
import { ui, type ForgeDoc } from './support/forge-ui'; // must be first: installs the bridge @forge/* read at import
import { Panel } from '../../src/frontend/panel/Panel';
import { scriptedBackend, type ScriptedAnswer } from './support/backends';
import type { GrantDto, PanelActionResult, PanelData, PersonDto } from '../../src/shared/panel-contract';

const neville: PersonDto = { accountId: 'acc-neville', displayName: 'Neville Newadmin' };
const alice: PersonDto = { accountId: 'acc-alice', displayName: 'Alice Approver' };
const bob: PersonDto = { accountId: 'acc-bob', displayName: 'Bob Builder' };
const POLICY = '2 approvals by members of the Jira group "Security"';
const GRANT_ID = 'grant-10007';

function grant(over: Partial<GrantDto> = {}, approval: Partial<GrantDto['approval']> = {}): GrantDto {
  return {
    id: GRANT_ID,
    issueKey: 'ACC-7',
    status: 'REQUESTED',
    groupId: '00g-linux',
    groupName: 'PAM Linux Sysadmins',
    groupAllowlisted: true,
    requester: neville,
    requestedAt: '2026-11-22T08:30:00.000Z',
    extensions: 0,
    maxExtensions: 2,
    approval: { state: 'awaiting', given: 1, needed: 2, approvedBy: [bob], policy: POLICY, ...approval },
    preexistingMembership: false,
    attempts: 0,
    ...over,
  };
}

/** Alice's view of Neville's request, which Bob approved already: one more approval needed. */
function approverView(over: Partial<PanelData> = {}): PanelData {
  return {
    now: '2026-11-22T09:00:00.000Z',
    issueKey: 'ACC-7',
    state: 'grant',
    accessType: 'New access',
    viewer: { timeZone: 'UTC', isRequester: false, isAdmin: false },
    grant: grant(),
    actions: { approve: { enabled: true }, deny: { enabled: true } },
    approver: { mayApprove: true, message: 'You are a member of "Security", so your approval counts.' },
    ...over,
  };
}

/** Neville's view of his own waiting request. */
function requesterView(): PanelData {
  return approverView({
    viewer: { timeZone: 'UTC', isRequester: true, isAdmin: false },
    actions: {
      withdraw: { enabled: true },
      extend: { enabled: false, reason: 'Access has not started yet.' },
      relinquish: { enabled: false, reason: 'Access has not started yet.' },
    },
    approver: { mayApprove: false, message: 'You cannot approve your own request; you may withdraw it.' },
  });
}

const answered = (notice: string, panel: PanelData): ScriptedAnswer => ({
  data: { notice, panel } satisfies PanelActionResult,
});
const refused = (code: string, message: string): ScriptedAnswer => ({ error: { code, message } });

type Script = Record<string, (payload: unknown) => ScriptedAnswer>;

async function openPanel(load: PanelData | (() => PanelData), script: Script = {}) {
  ui.use(
    scriptedBackend((key, payload) => {
      if (key === 'panel/load') return { data: typeof load === 'function' ? load() : load };
      const step = script[key];
      if (!step) throw new Error(`unexpected call ${key}`);
      return step(payload);
    }),
  );
  await ui.show(<Panel />);
  await ui.waitForText(/Refresh/);
}

const reasonField = (): ForgeDoc => {
  const found = ui.findAll((d) => d.type === 'TextArea');
  expect(found).toHaveLength(1);
  return found[0];
};
async function typeReason(text: string) {
  reasonField().props.onChange({ target: { value: text } });
  await ui.idle();
}
const calls = () => ui.invokes.map((i) => i.functionKey);
/** Error codes (APPROVAL.NOT_ELIGIBLE, PANEL.STALE, ...) and raw statuses never reach the screen. */
const NO_CODES = /\b[A-Z]+\.[A-Z_]+\b|\bREQUESTED\b|\bDENIED\b/;

beforeEach(() => {
  ui.fakeIntervals(); // the countdown's tick runs only when a test says so
});
afterEach(async () => {
  await ui.show(null);
  jest.useRealTimers();
});

describe('approval section', () => {
  it('shows approvals given of needed, who approved, the policy in words and what the viewer may do', async () => {
    await openPanel(approverView());
    const text = ui.text();
    expect(ui.lozenges()).toContain('Requested');
    expect(text).toContain('Approvals: 1 of 2');
    expect(text).toContain('Approved so far by: Bob Builder');
    expect(text).toContain(`Who may approve: ${POLICY}`);
    expect(text).toContain('You may approve');
    expect(text).toContain('You are a member of "Security", so your approval counts.');
    expect(text).not.toMatch(NO_CODES);
    expect(ui.button('Approve request').props.isDisabled).toBe(false);
    expect(ui.button('Deny request').props.isDisabled).toBe(false);
    expect(ui.hasButton('Withdraw request')).toBe(false);
    // The two buttons sit in a group with an accessible name.
    const group = ui.findAll((d) => d.type === 'ButtonGroup' && ui.findAll((b) => b.type === 'Button', d).length > 1);
    expect(group.map((g) => g.props.label)).toContain('Approve or deny this request');
    expect(calls()).toEqual(['panel/load']);
  });

  it('says no approvals yet, and lists several approvers in order', async () => {
    await openPanel(approverView({ grant: grant({}, { given: 0, needed: 3, approvedBy: [] }) }));
    expect(ui.text()).toContain('Approvals: 0 of 3');
    expect(ui.text()).toContain('No approvals yet.');
    await ui.show(null);

    await openPanel(approverView({ grant: grant({}, { given: 2, needed: 3, approvedBy: [bob, neville] }) }));
    expect(ui.text()).toContain('Approvals: 2 of 3');
    expect(ui.text()).toContain('Approved so far by: Bob Builder, Neville Newadmin');
  });

  it('keeps the status-move wording for a request without a counted policy', async () => {
    await openPanel(
      approverView({
        grant: grant(
          {},
          { given: undefined, needed: undefined, approvedBy: undefined, policy: undefined, statusName: 'Approved' },
        ),
        actions: {},
        approver: { mayApprove: true, message: 'Waiting for approval: move the issue to "Approved".' },
      }),
    );
    expect(ui.text()).toContain(
      'Approval: waiting; someone other than the requester must move this issue to "Approved"',
    );
    expect(ui.text()).not.toContain('Approvals:');
    expect(ui.hasButton('Approve request')).toBe(false);
    expect(ui.hasButton('Deny request')).toBe(false);
  });
});

describe('Approve', () => {
  it('sends panel/approve with the grant id and shows the notice and the panel it answers with', async () => {
    const approved = approverView({
      grant: grant(
        { status: 'GRANTING' },
        { state: 'approved', given: 2, needed: 2, approvedBy: [bob, alice], approver: alice },
      ),
      actions: {},
      approver: undefined,
    });
    await openPanel(approverView(), {
      'panel/approve': () => answered('Approved: 2 of 2 approvals given; access is being granted.', approved),
    });
    await ui.click('Approve request');
    await ui.waitForText('Approved: 2 of 2 approvals given; access is being granted.');
    expect(calls()).toEqual(['panel/load', 'panel/approve']);
    expect(ui.invokes[1].payload).toEqual({ grantId: GRANT_ID });
    expect(ui.lozenges()).toContain('Granting');
    expect(ui.text()).toContain('Approval: approved by Bob Builder, Alice Approver');
    expect(ui.hasButton('Approve request')).toBe(false);
    expect(ui.hasButton('Deny request')).toBe(false);
  });

  it('shows a disabled Approve with its reason, and the viewer why not', async () => {
    const reason = 'You approved this request already; another approver must give the second approval.';
    await openPanel(
      approverView({
        actions: { approve: { enabled: false, reason }, deny: { enabled: true } },
        approver: { mayApprove: false, message: reason },
      }),
    );
    expect(ui.button('Approve request').props.isDisabled).toBe(true);
    expect(ui.button('Deny request').props.isDisabled).toBe(false);
    expect(ui.text()).toContain(`Approve is not available: ${reason}`);
    expect(ui.text()).toContain('You cannot approve this request');
  });

  it('says once why neither Approve nor Deny is available when the reason is the same', async () => {
    const reason = 'Only members of the Jira group "Security" may approve this group.';
    await openPanel(
      approverView({
        actions: { approve: { enabled: false, reason }, deny: { enabled: false, reason } },
        approver: { mayApprove: false, message: 'You are not named by the approval policy.' },
      }),
    );
    expect(ui.button('Approve request').props.isDisabled).toBe(true);
    expect(ui.button('Deny request').props.isDisabled).toBe(true);
    expect(ui.text()).toContain(`Approve and Deny are not available: ${reason}`);
    expect(ui.text().split(reason)).toHaveLength(2);
  });

  it("shows the server's refusal in words, without its code", async () => {
    await openPanel(approverView(), {
      'panel/approve': () =>
        refused('APPROVAL.NOT_ELIGIBLE', 'You raised this request for Neville, so you cannot approve it.'),
    });
    await ui.click('Approve request');
    await ui.waitForText('That did not work');
    expect(ui.text()).toContain('You raised this request for Neville, so you cannot approve it.');
    expect(ui.text()).not.toMatch(NO_CODES);
    expect(ui.button('Approve request').props.isDisabled).toBe(false); // the panel as loaded stays
  });
});

describe('Deny', () => {
  it('asks for a reason, refuses to submit without one, shows a server refusal, then sends it trimmed', async () => {
    const denied = approverView({
      grant: grant(
        {
          status: 'DENIED',
          endedAt: '2026-11-22T09:00:00.000Z',
          endedBy: alice,
          reason: 'Denied by Alice Approver: Not needed for this change',
        },
        { given: 1, needed: 2 },
      ),
      actions: {},
      approver: undefined,
    });
    let refuseFirst = true;
    await openPanel(approverView(), {
      'panel/deny': () => {
        if (refuseFirst) {
          refuseFirst = false;
          return refused('VALIDATION.INVALID', 'Say why the request is denied.');
        }
        return answered('Denied: Neville Newadmin has been told why.', denied);
      },
    });
    expect(ui.findAll((d) => d.type === 'TextArea')).toHaveLength(0);

    await ui.click('Deny request');
    expect(ui.text()).toContain("Deny Neville Newadmin's request?");
    expect(ui.button('Deny request').props.isDisabled).toBe(true); // the form is open
    // The field is labelled, and required.
    const field = reasonField();
    const label = ui.findAll((d) => d.type === 'Label');
    expect(label.map((l) => [ui.text(l), l.props.labelFor])).toEqual([
      ['Reason for denying (required)', field.props.id],
    ]);
    expect(field.props.isRequired).toBe(true);
    expect(field.props.maxLength).toBe(500);

    expect(ui.button('Submit denial').props.isDisabled).toBe(true);
    await typeReason('   \n ');
    expect(ui.button('Submit denial').props.isDisabled).toBe(true);
    await typeReason('x'.repeat(501));
    expect(ui.button('Submit denial').props.isDisabled).toBe(true);
    expect(ui.text()).toContain('Keep the reason to 500 characters or fewer.');
    await typeReason('  Not needed for this change \n');
    expect(ui.button('Submit denial').props.isDisabled).toBe(false);
    expect(calls()).toEqual(['panel/load']);

    // The server checks the reason again; its refusal shows in the form, which stays open.
    await ui.click('Submit denial');
    await ui.waitFor((d) => d.type === 'ErrorMessage', 'the refusal under the field');
    expect(ui.text(ui.findAll((d) => d.type === 'ErrorMessage')[0])).toBe('Say why the request is denied.');
    expect(reasonField().props.isInvalid).toBe(true);
    expect(reasonField().props.value).toBe('  Not needed for this change \n');
    expect(ui.text()).not.toMatch(NO_CODES);

    await ui.click('Submit denial');
    await ui.waitForText('Denied: Neville Newadmin has been told why.');
    expect(calls()).toEqual(['panel/load', 'panel/deny', 'panel/deny']);
    expect(ui.invokes[2].payload).toEqual({ grantId: GRANT_ID, reason: 'Not needed for this change' });
    expect(ui.findAll((d) => d.type === 'TextArea')).toHaveLength(0);
    expect(ui.lozenges()).toContain('Denied');
    expect(ui.text()).toContain('This request was denied');
    expect(ui.text()).toContain('Not needed for this change');
  });

  it('closes the form on Cancel without calling the server', async () => {
    await openPanel(approverView());
    await ui.click('Deny request');
    await typeReason('Changed my mind');
    await ui.click('Cancel');
    expect(ui.findAll((d) => d.type === 'TextArea')).toHaveLength(0);
    expect(ui.text()).not.toContain("Deny Neville Newadmin's request?");
    // Opened again, the form starts empty.
    await ui.click('Deny request');
    expect(reasonField().props.value).toBe('');
    expect(calls()).toEqual(['panel/load']);
  });
});

describe('a request that changed since the panel loaded', () => {
  it('shows the stale refusal in words and reloads the panel', async () => {
    let loads = 0;
    const withdrawn = approverView({
      grant: grant(
        { status: 'WITHDRAWN', endedAt: '2026-11-22T09:05:00.000Z', endedBy: neville, reason: 'Withdrawn by Neville.' },
        { given: 1, needed: 2 },
      ),
      actions: {},
      approver: undefined,
    });
    await openPanel(() => (++loads === 1 ? approverView() : withdrawn), {
      'panel/approve': () =>
        refused('PANEL.STALE', 'This request changed since you opened the panel (it was withdrawn).'),
    });
    await ui.click('Approve request');
    await ui.waitForText('This request changed since the panel loaded');
    expect(ui.text()).toContain('This request changed since you opened the panel (it was withdrawn).');
    expect(calls()).toEqual(['panel/load', 'panel/approve', 'panel/load']);
    expect(ui.lozenges()).toContain('Withdrawn');
    expect(ui.hasButton('Approve request')).toBe(false);
    expect(ui.text()).not.toContain('That did not work');
    expect(ui.text()).not.toMatch(NO_CODES);
  });

  it('closes the Deny form when the refusal is stale', async () => {
    let loads = 0;
    await openPanel(
      () =>
        ++loads === 1 ? approverView() : approverView({ grant: grant({}, { given: 0, needed: 2, approvedBy: [] }) }),
      { 'panel/deny': () => refused('PANEL.STALE', 'This request was raised again since you opened the panel.') },
    );
    await ui.click('Deny request');
    await typeReason('Not needed');
    await ui.click('Submit denial');
    await ui.waitForText('This request was raised again since you opened the panel.');
    expect(calls()).toEqual(['panel/load', 'panel/deny', 'panel/load']);
    expect(ui.findAll((d) => d.type === 'TextArea')).toHaveLength(0);
    expect(ui.text()).toContain('Approvals: 0 of 2');
  });
});

describe("the requester's view of a waiting request", () => {
  it('offers Withdraw, not Approve or Deny, and still shows the approvals', async () => {
    const withdrawn = approverView({
      viewer: { timeZone: 'UTC', isRequester: true, isAdmin: false },
      grant: grant(
        { status: 'WITHDRAWN', endedAt: '2026-11-22T09:00:00.000Z', endedBy: neville, reason: 'You withdrew it.' },
        { given: 1, needed: 2 },
      ),
      actions: {},
      approver: undefined,
    });
    await openPanel(requesterView(), {
      'panel/withdraw': () => answered('Withdrawn: this request will not be granted.', withdrawn),
    });
    expect(ui.hasButton('Approve request')).toBe(false);
    expect(ui.hasButton('Deny request')).toBe(false);
    expect(ui.text()).toContain('Approvals: 1 of 2');
    expect(ui.text()).toContain(`Who may approve: ${POLICY}`);
    expect(ui.text()).toContain('You cannot approve this request');
    expect(ui.text()).toContain('You cannot approve your own request; you may withdraw it.');
    expect(ui.button('Extend').props.isDisabled).toBe(true);

    await ui.click('Withdraw request');
    expect(ui.text()).toContain('Withdraw your request?');
    await ui.click('Yes, withdraw');
    await ui.waitForText('Withdrawn: this request will not be granted.');
    expect(calls()).toEqual(['panel/load', 'panel/withdraw']);
    expect(ui.invokes[1].payload).toEqual({ grantId: GRANT_ID });
    expect(ui.lozenges()).toContain('Withdrawn');
    expect(ui.text()).toContain('Withdrawn by the requester');
  });
});
