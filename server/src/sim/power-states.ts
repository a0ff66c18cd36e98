/**
 * The host power state machine (DMTF DSP1027; docs/simulator.md "Power"). Requests use the ValueMap of
 * CIM_PowerManagementService.RequestPowerStateChange; the resulting state is reported through
 * CIM_AssociatedPowerManagementService.PowerState, whose values 2–11 coincide for the states a
 * host can rest in (2 On, 4 Sleep-Deep, 6 Off-Hard, 7 Hibernate, 8 Off-Soft).
 */

export const POWER = {
  On: 2,
  SleepLight: 3,
  SleepDeep: 4,
  PowerCycleOffSoft: 5,
  OffHard: 6,
  Hibernate: 7,
  OffSoft: 8,
  PowerCycleOffHard: 9,
  MasterBusReset: 10,
  DiagnosticInterrupt: 11,
  OffSoftGraceful: 12,
  OffHardGraceful: 13,
  MasterBusResetGraceful: 14,
  PowerCycleOffSoftGraceful: 15,
  PowerCycleOffHardGraceful: 16,
} as const;

/** CIM method return values (DMTF CIM method return codes). */
export const CIM_RETURN = {
  Completed: 0,
  NotSupported: 1,
  InvalidParameter: 5,
  InvalidStateTransition: 4097,
} as const;

export interface PowerPlan {
  readonly returnValue: number;
  /** The states the host passes through; the last one is where it rests. Empty when refused. */
  readonly steps: readonly number[];
}

/** What a running host may be asked to do, in the order real AMT advertises it (recorded). */
const FROM_ON: readonly number[] = [10, 8, 5, 11, 4, 7, 14, 12];

/** Requests a running host accepts, with the states each one walks through. */
const ON_TRANSITIONS: Record<number, readonly number[]> = {
  [POWER.PowerCycleOffSoft]: [POWER.OffSoft, POWER.On],
  [POWER.OffHard]: [POWER.OffHard],
  [POWER.OffSoft]: [POWER.OffSoft],
  [POWER.PowerCycleOffHard]: [POWER.OffHard, POWER.On],
  [POWER.MasterBusReset]: [POWER.On],
  [POWER.DiagnosticInterrupt]: [POWER.On],
  // Graceful and in-band requests need the OS; the simulated OS always cooperates while On.
  [POWER.OffSoftGraceful]: [POWER.OffSoft],
  [POWER.MasterBusResetGraceful]: [POWER.On],
  [POWER.SleepDeep]: [POWER.SleepDeep],
  [POWER.Hibernate]: [POWER.Hibernate],
};

/** Valid in the ValueMap but not implemented by AMT (Intel AMT SDK "Change System Power State"). */
const UNSUPPORTED = new Set<number>([
  POWER.SleepLight, POWER.OffHardGraceful, POWER.PowerCycleOffSoftGraceful, POWER.PowerCycleOffHardGraceful,
]);

export function availableRequestedPowerStates(current: number): number[] {
  if (current === POWER.On) return [...FROM_ON];
  if (current === POWER.SleepDeep) return [POWER.On, POWER.OffSoft];
  return [POWER.On];
}

export function planPowerChange(current: number, requested: number): PowerPlan {
  if (!Number.isInteger(requested) || requested < POWER.On || requested > POWER.PowerCycleOffHardGraceful) {
    return { returnValue: CIM_RETURN.InvalidParameter, steps: [] };
  }
  if (UNSUPPORTED.has(requested)) return { returnValue: CIM_RETURN.NotSupported, steps: [] };
  if (current === POWER.On) {
    const steps = ON_TRANSITIONS[requested];
    return steps ? { returnValue: CIM_RETURN.Completed, steps } : refused();
  }
  if (requested === POWER.On) return { returnValue: CIM_RETURN.Completed, steps: [POWER.On] };
  // A sleeping (S3) host can still be switched off; an off or hibernating one only powered on.
  if (current === POWER.SleepDeep && (requested === POWER.OffSoft || requested === POWER.OffHard)) {
    return { returnValue: CIM_RETURN.Completed, steps: [requested] };
  }
  return refused();
}

function refused(): PowerPlan {
  return { returnValue: CIM_RETURN.InvalidStateTransition, steps: [] };
}
