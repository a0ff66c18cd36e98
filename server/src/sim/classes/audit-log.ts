/**
 * AMT_AuditLog (Intel AMT SDK class page; recorded instance and ReadRecords reply in
 * test/fixtures/real-amt/amt/auditlog) and AMT_AuditPolicyRule.SetAuditPolicy. Records come from
 * audit/log.ts; ReadRecords pages them from the 1-based StartIndex, at most 10 per call (MC and mps
 * page until TotalRecordCount is read; the page size is a choice).
 */
import { audit, auditLog, AUDIT, AUDITABLE_EVENTS, encodeRecord, MAX_AUDIT_RECORDS } from '../audit/log';
import type { SimDevice } from '../device';
import { datetime } from '../values';
import { AMT_SYSTEM, PT_STATUS } from './common';
import type { ClassDef } from './types';

const PAGE = 10;
/** AuditState bits as MC decodes them: 16 = "no lock", 1 = disabled (MC `index.html` audit page). */
const AUDIT_STATE_ENABLED = 16;

function syncInstance(device: SimDevice): void {
  const inst = device.instances('AMT_AuditLog')[0];
  if (!inst) return;
  const { records, enabled } = auditLog(device);
  const last = records[records.length - 1];
  inst.CurrentNumberOfRecords = records.length;
  inst.PercentageFree = Math.floor(100 - (records.length * 100) / MAX_AUDIT_RECORDS);
  const log = auditLog(device);
  if (log.lock && device.now() >= log.lock.until) delete log.lock;
  // Bit 1 = locked (MC's AuditState decoder); 16 = no lock requested.
  inst.AuditState = (enabled ? 0 : 1) | (log.lock ? 2 : AUDIT_STATE_ENABLED);
  if (last) inst.TimeOfLastRecord = datetime(new Date(last.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

const AUDIT_LOG: ClassDef = {
  name: 'AMT_AuditLog',
  commonNs: true,
  props: {
    AuditState: 'uint32',
    CurrentNumberOfRecords: 'uint64',
    ElementName: 'string',
    EnabledState: 'uint16',
    MaxAllowedAuditors: 'uint16',
    MaxNumberOfRecords: 'uint64',
    MinDaysToKeep: 'uint8',
    Name: 'string key',
    OverwritePolicy: 'uint16',
    PercentageFree: 'uint32',
    RequestedState: 'uint16',
    StoragePolicy: 'uint8',
    TimeOfLastRecord: 'datetime',
  },
  initial: (device) => {
    // Starts listening to the device's events. A fresh device comes provisioned (setup-service.ts),
    // so its log starts with the provisioning it went through, by a local initiator.
    const log = auditLog(device);
    if (log.records.length === 0) {
      audit(device, AUDIT.ProvisioningStarted, '', {});
      audit(device, AUDIT.ProvisioningCompleted, '', {});
    }
    return [
      {
        AuditState: AUDIT_STATE_ENABLED,
        CurrentNumberOfRecords: log.records.length,
        ElementName: 'Intel(r) AMT Audit Log',
        EnabledState: 2,
        MaxAllowedAuditors: 1,
        MaxNumberOfRecords: 0,
        Name: 'Intel(r) AMT:Audit Log',
        OverwritePolicy: 2,
        PercentageFree: 100,
        RequestedState: 2,
        StoragePolicy: 1,
        TimeOfLastRecord: datetime(new Date(device.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')),
      },
    ];
  },
  refresh: syncInstance,
  methods: {
    ReadRecords: {
      inputs: { StartIndex: 'uint32 req' },
      run: ({ device }, input) => {
        const { records } = auditLog(device);
        const start = Math.max(1, Number(input.StartIndex));
        const page = records.slice(start - 1, start - 1 + PAGE).map(encodeRecord);
        return {
          returnValue: PT_STATUS.Success,
          outputs: [['TotalRecordCount', records.length], ['RecordsReturned', page.length], ['EventRecords', page]],
        };
      },
    },
    ClearLog: {
      run: ({ device }) => {
        auditLog(device).records.length = 0;
        audit(device, AUDIT.AuditLogCleared);
        syncInstance(device);
        return { returnValue: PT_STATUS.Success };
      },
    },
    SetAuditLock: {
      inputs: { LockTimeoutInSeconds: 'uint32', Flag: 'uint32 req', Handle: 'uint32' },
      // 0 lock (returns a handle), 2 unlock with that handle; 1 (unprovisioning lock) is refused:
      // from AMT 12.0 the auditor cannot block unprovisioning (SDK "Returning to an unconfigured state").
      run: ({ device }, input) => {
        const log = auditLog(device);
        syncInstance(device);
        const flag = Number(input.Flag);
        if (flag === 0) {
          if (log.lock) return { returnValue: 18 }; // BLOCK_LOCKED_BY_OTHER
          const handle = (Math.floor(device.now()) % 0x7fffffff) + 1;
          log.lock = { handle, until: device.now() + Number(input.LockTimeoutInSeconds ?? 0) * 1000 };
          syncInstance(device);
          return { returnValue: PT_STATUS.Success, outputs: [['Handle', handle]] };
        }
        if (flag === 2) {
          if (!log.lock || Number(input.Handle) !== log.lock.handle) return { returnValue: 2053 }; // INVALID_HANDLE
          delete log.lock;
          syncInstance(device);
          return { returnValue: PT_STATUS.Success, outputs: [['Handle', Number(input.Handle)]] };
        }
        return { returnValue: flag === 1 ? 16 : PT_STATUS.InvalidParameter }; // NOT_PERMITTED
      },
    },
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      run: ({ device, instance }, input) => {
        const s = Number(input.RequestedState);
        if (s !== 2 && s !== 3) return { returnValue: 5 }; // CIM Invalid Parameter
        const log = auditLog(device);
        if (s === 3) audit(device, [20, 2]); // 2002 Security Audit Log Disabled, written before it stops
        log.enabled = s === 2;
        if (s === 2) audit(device, [20, 3]); // 2003 Enabled
        if (instance) Object.assign(instance, { EnabledState: s, RequestedState: s });
        syncInstance(device);
        return { returnValue: 0 };
      },
    },
  },
};

/**
 * AuditApplicationEventID: one uint32 per audited event, the application ID in the 8 most
 * significant bits and the event ID in the 16 least (SDK viewtheauditpolicydetails.htm);
 * PolicyType alongside: 0 none, 1 critical (the SetAuditPolicy value map).
 */
function syncPolicy(device: SimDevice): void {
  const inst = device.instances('AMT_AuditPolicyRule')[0];
  if (!inst) return;
  const log = auditLog(device);
  const audited = [...new Set([...AUDITABLE_EVENTS, ...(log.extra ?? [])])].filter((id) => !log.disabled.includes(id)).sort((a, b) => a - b);
  inst.AuditApplicationEventID = audited.map((id) => ((Math.floor(id / 100) << 24) | (id % 100)) >>> 0);
  inst.PolicyType = audited.map((id) => ((log.critical ?? []).includes(id) ? 1 : 0));
}

const AUDIT_POLICY_RULE: ClassDef = {
  name: 'AMT_AuditPolicyRule',
  commonNs: true,
  props: {
    AuditApplicationEventID: 'uint32[]',
    CreationClassName: 'string key',
    ElementName: 'string',
    PolicyRuleName: 'string key',
    PolicyType: 'uint32[]',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
  },
  initial: () => [
    {
      CreationClassName: 'AMT_AuditPolicyRule',
      ElementName: 'Intel(r) AMT Audit Policy Rule',
      PolicyRuleName: 'Audit Policy Rule',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: AMT_SYSTEM,
    },
  ],
  refresh: syncPolicy,
  methods: {
    SetAuditPolicy: {
      inputs: { Enable: 'boolean req', AuditedAppID: 'uint16 req', EventID: 'uint16 req', PolicyType: 'uint32' },
      run: ({ device }, input) => {
        const app = Number(input.AuditedAppID);
        const event = Number(input.EventID);
        // Application IDs run 16..33 and event IDs below 100 (MeshCommander's table); others are no event.
        if (app < 16 || app > 40 || event > 99 || Number(input.PolicyType ?? 0) > 1) return { returnValue: PT_STATUS.InvalidParameter };
        const id = app * 100 + event;
        const log = auditLog(device);
        log.disabled = log.disabled.filter((d) => d !== id);
        log.critical = (log.critical ?? []).filter((d) => d !== id);
        if (input.Enable !== true) log.disabled.push(id);
        else {
          if (!AUDITABLE_EVENTS.includes(id) && !(log.extra ?? []).includes(id)) (log.extra ??= []).push(id);
          if (Number(input.PolicyType ?? 0) === 1) log.critical.push(id);
        }
        audit(device, AUDIT.AuditPolicyEvent);
        syncPolicy(device);
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

export const AUDIT_LOG_CLASSES: readonly ClassDef[] = [AUDIT_LOG, AUDIT_POLICY_RULE];
