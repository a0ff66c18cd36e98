/**
 * The alarm clock (Intel AMT SDK: AMT_AlarmClockService.AddAlarm, IPS_AlarmClockOccurrence): an
 * alarm powers an Off (or hibernating) host on when the device clock reaches its StartTime; with
 * an Interval it re-arms, otherwise DeleteOnCompletion removes it. Checked in refresh (every
 * request and clock move) and by an unref'd timer of its own for the next alarm.
 */
import type { SimDevice } from '../device';
import { POWER } from '../power-states';
import { datetime, epr, type DatetimeValue, type PropMap } from '../values';
import { WsmanFault } from '../wsman/faults';
import { cimUri, HOST_SYSTEM, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const OCCURRENCE = 'IPS_AlarmClockOccurrence';
/** AMT keeps at most 5 alarms (AddAlarm beyond answers QuotaLimit). */
const MAX_ALARMS = 5;
const timers = new WeakMap<SimDevice, { at: number; timer: NodeJS.Timeout }>();

/** `P{d}DT{h}H{m}M` (xs:duration as AMT writes intervals) in ms; undefined when not a duration. */
function intervalMs(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === 'P' || text === 'PT') return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}

const startOf = (a: PropMap) => Date.parse((a.StartTime as DatetimeValue).value);

function check(device: SimDevice): void {
  const list = device.instances(OCCURRENCE);
  const now = device.now();
  for (const alarm of [...list]) {
    if (startOf(alarm) > now) continue;
    const off = [POWER.OffSoft, POWER.OffHard, 7].includes(device.powerState);
    if (off) device.requestPowerStateChange(POWER.On);
    const every = alarm.Interval ? intervalMs((alarm.Interval as DatetimeValue).value) : undefined;
    if (every) {
      let next = startOf(alarm);
      while (next <= now) next += every;
      alarm.StartTime = datetime(new Date(next).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    } else if (alarm.DeleteOnCompletion !== false) {
      list.splice(list.indexOf(alarm), 1);
    } else {
      // Fired once and kept: it stays listed but never rings again.
      alarm.StartTime = datetime('9999-12-31T23:59:59Z');
    }
  }
  arm(device);
}

function arm(device: SimDevice): void {
  const next = Math.min(...device.instances(OCCURRENCE).map(startOf));
  const current = timers.get(device);
  if (current?.at === next) return;
  if (current) clearTimeout(current.timer);
  timers.delete(device);
  if (!Number.isFinite(next)) return;
  const delay = Math.min(Math.max(0, (next - device.now()) / device.clockScale) + 1, 2 ** 31 - 1);
  const timer = setTimeout(() => {
    timers.delete(device);
    device.refresh();
  }, delay);
  timer.unref();
  timers.set(device, { at: next, timer });
}

const SERVICE: ClassDef = {
  name: 'AMT_AlarmClockService',
  commonNs: true,
  props: { ...SERVICE_PROPS, AMTAlarmClockInterval: 'datetime', NextAMTAlarmTime: 'datetime' },
  initial: () => [
    {
      CreationClassName: 'AMT_AlarmClockService',
      ElementName: 'Intel(r) AMT Alarm Clock Service',
      Name: 'Intel(r) AMT Alarm Clock Service',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
    },
  ],
  methods: {
    AddAlarm: {
      inputs: { AlarmTemplate: 'instance req' },
      outputs: { AlarmClock: 'epr' },
      run: ({ device }, input) => {
        const t = (JSON.parse(String(input.AlarmTemplate)) as { props: Record<string, string> }).props;
        const list = device.instances(OCCURRENCE);
        const start = Date.parse(t.StartTime ?? '');
        const every = t.Interval ? intervalMs(t.Interval) : undefined;
        if (!t.InstanceID || !Number.isFinite(start) || (t.Interval && every === undefined) || list.some((a) => a.InstanceID === t.InstanceID)) {
          throw new WsmanFault('InvalidRepresentation', 'the alarm template has no InstanceID, a bad StartTime or Interval, or a duplicate InstanceID', 'MissingValues');
        }
        if (list.length >= MAX_ALARMS) throw new WsmanFault('QuotaLimit', `already ${MAX_ALARMS} alarms`);
        list.push({
          DeleteOnCompletion: t.DeleteOnCompletion !== 'false',
          ElementName: t.ElementName ?? t.InstanceID,
          InstanceID: t.InstanceID,
          ...(every ? { Interval: { kind: 'datetime', form: 'Interval', value: t.Interval } as DatetimeValue } : {}),
          StartTime: datetime(new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z')),
        });
        arm(device);
        return { returnValue: PT_STATUS.Success, outputs: [['AlarmClock', epr(cimUri(OCCURRENCE), { InstanceID: t.InstanceID })]] };
      },
    },
  },
};

const OCCURRENCE_CLASS: ClassDef = {
  name: OCCURRENCE,
  props: { DeleteOnCompletion: 'boolean', ElementName: 'string', InstanceID: 'string key', Interval: 'datetime', StartTime: 'datetime' },
  order: ['ElementName', 'InstanceID', 'StartTime', 'Interval', 'DeleteOnCompletion'],
  initial: () => [],
  refresh: check,
  remove: (device, inst) => {
    const list = device.instances(OCCURRENCE);
    list.splice(list.indexOf(inst), 1);
    arm(device);
  },
};

export const ALARM_CLOCK_CLASSES: readonly ClassDef[] = [SERVICE, OCCURRENCE_CLASS];
