/**
 * The hardware event log (AMT_MessageLog, docs/simulator.md "Events and logs"). Records live in SimDevice; the instance's
 * CurrentNumberOfRecords follows them. IterationIdentifier is the 1-based position of the next
 * record to read, so a client looping on GetRecords until NoMoreRecords reads each record once.
 */
import { encodeRecord } from '../message-log';
import type { ClassDef } from './types';

/** GetRecords: 2 invalid record pointed, 3 no record exists; PositionToFirstRecord: 2 no record. */
const LOG_RETURN = { Completed: 0, InvalidRecord: 2, NoRecordGetRecords: 3, NoRecordPosition: 2 } as const;

const MESSAGE_LOG: ClassDef = {
  name: 'AMT_MessageLog',
  commonNs: true,
  props: {
    Capabilities: 'uint16[]',
    CharacterSet: 'uint16',
    CreationClassName: 'string key',
    CurrentNumberOfRecords: 'uint64',
    ElementName: 'string',
    EnabledDefault: 'uint16',
    EnabledState: 'uint16',
    HealthState: 'uint16',
    IsFrozen: 'boolean',
    LastChange: 'uint16',
    LogState: 'uint16',
    MaxLogSize: 'uint64',
    MaxNumberOfRecords: 'uint64',
    MaxRecordSize: 'uint64',
    Name: 'string key',
    OperationalStatus: 'uint16[]',
    OverwritePolicy: 'uint16',
    PercentageNearFull: 'uint8',
    RequestedState: 'uint16',
    SizeOfHeader: 'uint64',
    SizeOfRecordHeader: 'uint64',
    Status: 'string',
  },
  initial: () => [
    {
      Capabilities: [5, 6, 8, 7],
      CharacterSet: 10,
      CreationClassName: 'AMT_MessageLog',
      CurrentNumberOfRecords: 0,
      ElementName: 'Intel(r) AMT:MessageLog 1',
      EnabledDefault: 2,
      EnabledState: 2,
      HealthState: 5,
      IsFrozen: false,
      LastChange: 0,
      LogState: 4,
      MaxLogSize: 0,
      MaxNumberOfRecords: 390,
      MaxRecordSize: 21,
      Name: 'Intel(r) AMT:MessageLog 1',
      OperationalStatus: [2],
      OverwritePolicy: 2,
      PercentageNearFull: 100,
      RequestedState: 12,
      SizeOfHeader: 0,
      SizeOfRecordHeader: 0,
      Status: 'OK',
    },
  ],
  methods: {
    PositionToFirstRecord: {
      outputs: { IterationIdentifier: 'string' },
      run: ({ device }) =>
        device.logRecords().length === 0
          ? { returnValue: LOG_RETURN.NoRecordPosition }
          : { returnValue: LOG_RETURN.Completed, outputs: [['IterationIdentifier', '1']] },
    },
    GetRecords: {
      inputs: { IterationIdentifier: 'string req', MaxReadRecords: 'uint32 req' },
      outputs: { IterationIdentifier: 'string', RecordArray: 'string[]' },
      run: ({ device }, input) => {
        const records = device.logRecords();
        if (records.length === 0) return { returnValue: LOG_RETURN.NoRecordGetRecords };
        const start = Number(input.IterationIdentifier);
        if (!Number.isInteger(start) || start < 1 || start > records.length) {
          return { returnValue: LOG_RETURN.InvalidRecord };
        }
        const max = Math.max(1, Math.min(Number(input.MaxReadRecords), 390));
        const page = records.slice(start - 1, start - 1 + max);
        const next = start + page.length;
        return {
          returnValue: LOG_RETURN.Completed,
          outputs: [
            ['IterationIdentifier', String(next)],
            ['NoMoreRecords', next > records.length],
            ['RecordArray', page.map((r) => encodeRecord(r).toString('base64'))],
          ],
        };
      },
    },
    ClearLog: {
      run: ({ device }) => {
        device.clearLog();
        return { returnValue: LOG_RETURN.Completed };
      },
    },
    FreezeLog: {
      inputs: { Freeze: 'boolean req' },
      run: ({ instance }, input) => {
        if (instance) instance.IsFrozen = input.Freeze === true;
        return { returnValue: LOG_RETURN.Completed };
      },
    },
  },
};

export const LOG_CLASSES: readonly ClassDef[] = [MESSAGE_LOG];
