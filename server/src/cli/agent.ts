/**
 * `amtwb [--target …] agent list|register|assert|shutdown` — agent presence over WS-Man
 * (features/watchdog/agents.ts):
 *   agent list [--json]
 *   agent register --agent GUID [--interval S] [--startup S]   creates the agent's watchdog if it
 *       has none (TimeoutInterval S, default 120; StartupInterval, default 3600), then RegisterAgent
 *   agent assert --agent GUID --sequence N                      AssertPresence(N)
 *   agent shutdown --agent GUID --sequence N                    AssertShutdown(N)
 * N must be larger than the last number used (RegisterAgent's session number, then each assert's).
 */
import { parseArgs } from 'node:util';
import { usageError, parseArgsError } from './usage';
import {
  assertPresence,
  assertShutdown,
  createAgent,
  listAgentActions,
  listAgents,
  registerAgent,
  type AgentActionView,
  type AgentView,
} from '../features/watchdog';
import type { CliIo } from './feature-commands';
import { formatRows } from './format';

const USAGE = 'write amtwb agent list, amtwb agent register --agent GUID [--interval S] [--startup S], or amtwb agent assert|shutdown --agent GUID --sequence N';

export async function runAgentCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args);
  const [sub, ...extra] = positionals;
  if (extra.length) throw usageError(`"agent ${sub}" takes no further arguments, but "${extra.join(' ')}" was given; ${USAGE}.`);
  if (sub === 'list') {
    const client = await io.connect();
    const [agents, actions] = [await listAgents(client), await listAgentActions(client)];
    await io.out(v.json ? JSON.stringify({ agents, actions }, null, 2) : formatAgents(agents, actions));
    return 0;
  }
  if (sub !== 'register' && sub !== 'assert' && sub !== 'shutdown') {
    throw usageError(sub === undefined ? `"agent" needs list, register, assert or shutdown; ${USAGE}.` : `"${sub}" is not an agent command; ${USAGE}.`);
  }
  const agent = v.agent;
  if (!agent) throw usageError(`"agent ${sub}" needs the agent's GUID; add --agent GUID (e.g. from uuidgen).`);
  if (sub === 'register') {
    const client = await io.connect();
    if (!(await listAgents(client)).some((a) => a.agent.toLowerCase() === agent.toLowerCase())) {
      await createAgent(client, agent, { timeoutIntervalSeconds: seconds(v.interval, '--interval', 120), startupIntervalSeconds: seconds(v.startup, '--startup', 3600) });
    }
    const r = await registerAgent(client, agent);
    await io.out(v.json ? JSON.stringify(r, null, 2) : formatRows([
      ['Agent', agent],
      ['SessionSequenceNumber', String(r.sessionSequenceNumber)],
      ['TimeoutInterval', `${r.timeoutIntervalSeconds} s`],
      ['Next', `amtwb agent assert --agent ${agent} --sequence ${r.sessionSequenceNumber + 1} (within ${r.timeoutIntervalSeconds} s)`],
    ]));
    return 0;
  }
  const sequence = v.sequence === undefined ? NaN : Number(v.sequence);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) {
    throw usageError(`"agent ${sub}" needs --sequence N, a whole number larger than the last one used (RegisterAgent's session number, then each assert's).`);
  }
  const client = await io.connect();
  if (sub === 'assert') await assertPresence(client, agent, sequence);
  else await assertShutdown(client, agent, sequence);
  await io.out(v.json ? JSON.stringify({ agent, sequence, ok: true }) : `${sub === 'assert' ? 'AssertPresence' : 'AssertShutdown'} ${sequence} accepted for agent ${agent}.`);
  return 0;
}

export function formatAgents(agents: readonly AgentView[], actions: readonly AgentActionView[]): string {
  if (agents.length === 0) return 'No agent-presence watchdogs; create one with amtwb agent register --agent GUID.';
  const blocks = agents.map((a) =>
    formatRows([
      ['Agent', a.agent],
      ['State', `${a.state} (${a.stateLabel})`],
      ...(a.timeoutIntervalSeconds !== undefined ? [['TimeoutInterval', `${a.timeoutIntervalSeconds} s`] as const] : []),
      ...(a.startupIntervalSeconds !== undefined ? [['StartupInterval', `${a.startupIntervalSeconds} s`] as const] : []),
      ...actions
        .filter((x) => x.rule.includes(a.deviceId))
        .map((x) => [`Action ${x.action.replace(/^\D+/, '')}`, `${x.oldStateLabel} → ${x.newStateLabel}${x.eventOnTransition ? ', log + event' : ''}${x.actionSdLabel ? `, ${x.actionSdLabel}` : ''}`] as const),
    ]),
  );
  const unattributed = actions.filter((x) => !agents.some((a) => x.rule.includes(a.deviceId)));
  if (unattributed.length) {
    blocks.push(formatRows(unattributed.map((x) => [`${x.rule} ${x.action}`, `${x.oldStateLabel} → ${x.newStateLabel}${x.eventOnTransition ? ', log + event' : ''}`] as const)));
  }
  return blocks.join('\n\n');
}

function seconds(text: string | undefined, opt: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`${opt} "${text}" is not a whole number of seconds from 1 to 65535.`);
  return n;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { agent: { type: 'string' }, sequence: { type: 'string' }, interval: { type: 'string' }, startup: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw parseArgsError(err, USAGE);
  }
}
