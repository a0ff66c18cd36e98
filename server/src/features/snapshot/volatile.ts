/**
 * Which values move by themselves — clocks, counters, nonces, log fill levels — so that comparing
 * two snapshots shows them as "volatile, not compared" rather than as drift. Two sources, each
 * with its reason a user reads beside the value:
 *
 * - rules derived from the catalog: every class descended from CIM_StatisticalData holds counters
 *   (DMTF: "statistical data … that changes over time"); instances of CIM_RecordForLog descendants
 *   are log records that come and go; datetime properties whose names say "the last time" or "now";
 *   the fill state of every CIM_Log;
 * - a short table of properties no name or type gives away (AMT's own statistics class is not a
 *   CIM_StatisticalData, a nonce is a base64 string, a processor's clock speed a uint32).
 */
import type { Catalog } from '../../catalog/catalog';

interface Rule {
  /** The class or an ancestor it applies to. */ cls: string;
  /** A property name, or `*` for every property but the keys. */ property: string;
  reason: string;
}

const TABLE: readonly Rule[] = [
  { cls: 'AMT_ActiveFilterStatistics', property: '*', reason: 'System Defense counts packets live as traffic passes the filter' },
  { cls: 'IPS_HostBasedSetupService', property: 'ConfigurationNonce', reason: 'the firmware draws a fresh nonce for each setup attempt' },
  { cls: 'CIM_Processor', property: 'CurrentClockSpeed', reason: 'the processor speed now, which power management changes all the time' },
  { cls: 'CIM_NumericSensor', property: 'CurrentReading', reason: 'a sensor reading, taken at the moment of the request' },
  { cls: 'CIM_Sensor', property: 'CurrentState', reason: 'a sensor state, taken at the moment of the request' },
  { cls: 'CIM_Battery', property: 'EstimatedChargeRemaining', reason: 'the battery charge, which moves as the host runs' },
  { cls: 'CIM_Battery', property: 'EstimatedRunTime', reason: 'the battery charge, which moves as the host runs' },
];

/** A log's fill state: it moves whenever the firmware writes a record (CIM_Log and its subclasses). */
const LOG_STATE = new Set(['CurrentNumberOfRecords', 'PercentageFree', 'TimeOfLastChange', 'TimeOfLastRecord', 'RecordLastChanged', 'LastChange']);

/** datetime properties that are "the last time something happened" or "now" by their name. */
const MOVING_TIME = /^(TimeOfLast|Last|Current)|^(IndicationTime|StatisticTime|StartStatisticTime|ElapsedTime|TimeSubmitted)$/;

export interface Volatility {
  /** Why the whole class is volatile (its instances are log records), else undefined. */
  classReason(className: string): string | undefined;
  /** Why a property's value moves by itself, else undefined. */
  propertyReason(className: string, property: string): string | undefined;
}

export function volatility(catalog: Catalog): Volatility {
  const chainOf = (className: string): readonly string[] => catalog.tryGetClass(className)?.chain ?? [className];
  return {
    classReason(className) {
      return chainOf(className).includes('CIM_RecordForLog') ? 'log records come and go as the firmware logs events; read the log to see them' : undefined;
    },
    propertyReason(className, property) {
      const chain = chainOf(className);
      const info = catalog.property(className, property);
      if (info?.key) return undefined;
      for (const r of TABLE) if (chain.includes(r.cls) && (r.property === '*' || r.property === property)) return r.reason;
      if (chain.includes('CIM_StatisticalData')) return 'a statistics counter, which moves as the device works';
      if (chain.includes('CIM_Log') && LOG_STATE.has(property)) return "the log's fill state, which moves whenever the firmware writes a record";
      if (info?.type === 'datetime' && MOVING_TIME.test(property)) return 'a point in time the firmware moves by itself';
      return undefined;
    },
  };
}
