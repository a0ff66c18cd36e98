/** amt/agents/*: agent presence watchdogs on a device. */
import { assertPresence, assertShutdown, createAgent, listAgentActions, listAgents, registerAgent } from '../features/watchdog';
import { AgentRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerAgentHandlers(host: HandlerHost): void {
  host.handle(AgentRequests.list, async (p, signal) => {
    const c = await clientFor(host, p, signal);
    return { agents: await listAgents(c, { signal }), actions: await listAgentActions(c, { signal }) };
  });
  host.handle(AgentRequests.register, async (p, signal) => {
    const c = await clientFor(host, p, signal);
    if (!(await listAgents(c, { signal })).some((a) => a.agent.toLowerCase() === p.agent.toLowerCase())) {
      await createAgent(c, p.agent, {
        ...(p.timeoutIntervalSeconds ? { timeoutIntervalSeconds: p.timeoutIntervalSeconds } : {}),
        ...(p.startupIntervalSeconds ? { startupIntervalSeconds: p.startupIntervalSeconds } : {}),
      }, { signal });
    }
    return registerAgent(c, p.agent, { signal });
  });
  host.handle(AgentRequests.assert, async (p, signal) => {
    const c = await clientFor(host, p, signal);
    await (p.shutdown ? assertShutdown : assertPresence)(c, p.agent, p.sequenceNumber, { signal });
  });
}
