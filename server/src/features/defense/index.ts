/**
 * The System Defense family (network isolation): read the state (read.ts), check and create filters
 * (filters.ts, addresses.ts), change policies, ports, Environment Detection and the Agent Presence
 * policy (write.ts), and read filter statistics (stats.ts). The CLI, the handlers and the page share it.
 */
export { readDefense, type DefenseClient } from './read';
export { filterProperties, PROFILES, PROFILE_LABELS } from './filters';
export { parseAddressRule, parsePortRange } from './addresses';
export { activatePolicy, createFilter, createPolicy, deleteItem, setAgentPolicy, setEnvironment, updatePolicy } from './write';
export { readStatistics } from './stats';
