/** amt/defense/*: System Defense, mapped onto features/defense/. */
import { activatePolicy, createFilter, createPolicy, deleteItem, readDefense, readStatistics, setAgentPolicy, setEnvironment, updatePolicy } from '../features/defense';
import { DefenseRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerDefenseHandlers(host: HandlerHost): void {
  host.handle(DefenseRequests.state, async (p, signal) => readDefense(await clientFor(host, p, signal), { signal }));
  host.handle(DefenseRequests.createFilter, async (p, signal) => ({ id: await createFilter(await clientFor(host, p, signal), p.filter, { signal }) }));
  host.handle(DefenseRequests.createPolicy, async (p, signal) => ({ id: await createPolicy(await clientFor(host, p, signal), p.policy, { signal }) }));
  host.handle(DefenseRequests.updatePolicy, async (p, signal) => {
    await updatePolicy(await clientFor(host, p, signal), p.id, p.policy, { signal });
    return { message: `Policy ${p.id} was changed.` };
  });
  host.handle(DefenseRequests.delete, async (p, signal) => {
    await deleteItem(await clientFor(host, p, signal), p.what, p.id, { signal });
    return { message: `The ${p.what} ${p.id} was deleted.` };
  });
  host.handle(DefenseRequests.activate, async (p, signal) => {
    await activatePolicy(await clientFor(host, p, signal), p.port, p.policyId, { signal });
    return { message: p.policyId === undefined ? `System Defense enables no policy on port ${p.port} now.` : `Policy ${p.policyId} is enabled on port ${p.port}.` };
  });
  host.handle(DefenseRequests.stats, async (p, signal) => readStatistics(await clientFor(host, p, signal), p.port, p.reset === true, { signal }));
  host.handle(DefenseRequests.setEnvironment, async (p, signal) => {
    await setEnvironment(await clientFor(host, p, signal), p.detectionStrings, p.policyId, { signal });
    return { message: 'Environment Detection was set.' };
  });
  host.handle(DefenseRequests.setAgentPolicy, async (p, signal) => {
    await setAgentPolicy(await clientFor(host, p, signal), p.policyId, p.ports, { signal });
    return { message: p.policyId === undefined ? 'No policy is linked to Agent Presence now.' : `Policy ${p.policyId} is the one an agent's action enables.` };
  });
}
