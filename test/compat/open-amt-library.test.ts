/**
 * Compatibility with Intel's Open AMT message library (@device-management-toolkit/wsman-messages):
 * every request it can build is sent to the simulator over a real socket with digest auth. Each must
 * get a well-formed answer (HTTP 200, the request's Action + "Response", a Body that is no Fault) or
 * the fault listed in expected-faults.ts with the reason real AMT gives it. Anything else fails.
 * Entries marked "not served yet" are reported when they answer, so the table can be pruned.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../server/src/sim';
import { at, DigestClient, parseTree, props, type Node } from '../integration/sim/helpers';
import { allBuilders, useRealm, type Builder } from './builders';
import { EXPECTED_FAULTS, NOT_SERVED_YET } from './expected-faults';

type Outcome = { kind: 'answered' } | { kind: 'fault'; subcode: string; reason: string } | { kind: 'malformed'; why: string };

function classify(requestXml: string, status: number, body: string): Outcome {
  const requestAction = at(parseTree(requestXml), 'Header', 'Action')?.text.trim() ?? '';
  let tree: Node;
  try {
    tree = parseTree(body);
  } catch (err) {
    return { kind: 'malformed', why: `HTTP ${status}, body is not XML (${(err as Error).message})` };
  }
  const fault = at(tree, 'Body', 'Fault');
  if (fault) {
    const value = at(fault, 'Code', 'Subcode', 'Value')?.text.trim() ?? '(no subcode)';
    const reason = at(fault, 'Reason', 'Text')?.text.trim() ?? '';
    return { kind: 'fault', subcode: value.slice(value.indexOf(':') + 1), reason };
  }
  const action = at(tree, 'Header', 'Action')?.text.trim() ?? '';
  if (status !== 200) return { kind: 'malformed', why: `HTTP ${status} without a Fault` };
  if (action !== `${requestAction}Response`) return { kind: 'malformed', why: `Action "${action}" answers "${requestAction}"` };
  // AMT answers Delete, and Put of some classes, with an empty Body (recorded: amt/publickey/certificate/delete.xml).
  const emptyAllowed = /\/transfer\/(Delete|Put)Response$/.test(action);
  if (!emptyAllowed && !at(tree, 'Body')?.children.length) return { kind: 'malformed', why: 'empty Body' };
  return { kind: 'answered' };
}

describe("Intel's Open AMT message library against the simulator", () => {
  const builders = allBuilders();
  let sim: Simulator;
  let client: DigestClient;
  const tally = { answered: 0, expected: 0, notServedExpected: 0, notServedNowAnswer: [] as string[] };
  const contexts = new Map<string, string>();

  before(async () => {
    sim = await startSimulator({ port: 0 });
    useRealm(sim.device.identity.realm);
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(async () => {
    await sim.close();
  });

  test('the library is walked, not listed: every class and builder is found', () => {
    const classes = new Set(builders.map((b) => b.className));
    assert.ok(classes.size >= 59, `only ${classes.size} classes found in the library`);
    assert.ok(builders.length >= 223, `only ${builders.length} builders found in the library`);
    for (const id of Object.keys(EXPECTED_FAULTS)) {
      assert.ok(builders.some((b) => b.id === id), `expected-faults.ts names ${id}, which the library does not build`);
    }
  });

  for (const b of builders) {
    test(b.id, async (t) => {
      const xml = await request(b);
      const reply = await client.post(xml);
      const outcome = classify(xml, reply.status, reply.body);
      if (b.method === 'Enumerate' && outcome.kind === 'answered') {
        const ctx = at(parseTree(reply.body), 'Body', 'EnumerateResponse', 'EnumerationContext')?.text.trim();
        if (ctx) contexts.set(b.className, ctx);
      }
      const expected = EXPECTED_FAULTS[b.id];
      if (outcome.kind === 'malformed') assert.fail(`${b.id}: malformed answer: ${outcome.why}`);
      if (outcome.kind === 'answered') {
        if (expected && NOT_SERVED_YET.has(b.id)) {
          tally.notServedNowAnswer.push(b.id);
          t.diagnostic(`now answered: remove "${b.id}" (not served yet) from test/compat/expected-faults.ts`);
        } else {
          assert.equal(expected, undefined, `${b.id} answered, but expected-faults.ts expects ${expected?.subcode}: ${expected?.reason}; update the table`);
        }
        tally.answered++;
        return;
      }
      assert.ok(expected, `${b.id}: unexpected fault ${outcome.subcode} ("${outcome.reason}"); real AMT answers it, or add it to expected-faults.ts with AMT's reason`);
      assert.equal(outcome.subcode, expected.subcode, `${b.id}: fault ${outcome.subcode} ("${outcome.reason}"), expected ${expected.subcode} because ${expected.reason}`);
      tally.expected++;
      if (NOT_SERVED_YET.has(b.id)) tally.notServedExpected++;
    });
  }

  test('count', (t) => {
    const line = `${builders.length} requests: ${tally.answered} answered, ${tally.expected} expected faults (${tally.notServedExpected} of them "not served yet")`;
    console.log(line);
    t.diagnostic(line);
    if (tally.notServedNowAnswer.length) t.diagnostic(`"not served yet" entries that now answer (prune them): ${tally.notServedNowAnswer.join(', ')}`);
    assert.equal(tally.answered + tally.expected, builders.length);
  });

  /** The instance Get returns, as the property object the library's Put takes (empty if Get fails). */
  async function current(className: string): Promise<Record<string, unknown>> {
    const get = builders.find((x) => x.className === className && x.method === 'Get')!;
    const body = at(parseTree((await client.post(get.build())).body), 'Body')?.children[0];
    return body && body.local === className ? props(body) : {};
  }

  /** Pull follows the class's own Enumerate (the library builds them in that order, as its callers do). */
  async function request(b: Builder): Promise<string> {
    if (b.method === 'Put') return b.build(undefined, await current(b.className));
    if (b.method !== 'Pull') return b.build();
    let ctx = contexts.get(b.className);
    if (!ctx) {
      const enumerate = builders.find((x) => x.className === b.className && x.method === 'Enumerate')!;
      const r = await client.post(enumerate.build());
      ctx = at(parseTree(r.body), 'Body', 'EnumerateResponse', 'EnumerationContext')?.text.trim() ?? 'no-enumeration-context';
    }
    contexts.delete(b.className);
    return b.build(ctx);
  }
});
