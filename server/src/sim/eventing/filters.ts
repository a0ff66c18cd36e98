/**
 * The predefined CIM_FilterCollection instances subscriptions target (AMT exposes no
 * CIM_IndicationFilter; Intel AMT SDK "Subscribe for Events"). The sources know two names and not their full
 * list; which events each selects is a simulator choice:
 * - `Intel(r) AMT:All` — every event. Its indications say `Intel(r) AMT:AllEvents`, as the
 *   recorded push does (the exact mapping is uncertain in the spec).
 * - `Intel(r) AMT:Features` — the user-notification alerts iAMT0050–iAMT0069 only.
 */
export interface FilterCollection {
  readonly instanceId: string;
  /** IndicationFilterName written into the indications it selects. */
  readonly indicationFilterName: string;
  matches(messageId: string): boolean;
}

export const FILTER_COLLECTIONS: readonly FilterCollection[] = [
  { instanceId: 'Intel(r) AMT:All', indicationFilterName: 'Intel(r) AMT:AllEvents', matches: () => true },
  {
    instanceId: 'Intel(r) AMT:Features',
    indicationFilterName: 'Intel(r) AMT:Features',
    matches: (id) => /^iAMT00(5\d|6\d)$/.test(id),
  },
];

export function filterCollection(instanceId: string): FilterCollection | undefined {
  return FILTER_COLLECTIONS.find((f) => f.instanceId === instanceId);
}
