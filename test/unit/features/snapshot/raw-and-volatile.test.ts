/**
 * The pieces of snapshots that need no device: cutting an Enumerate/Pull reply into each item's
 * own XML (raw.ts), which values count as volatile and why (volatile.ts), and reading a file that
 * is no snapshot (format.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog } from '../../../../server/src/catalog/catalog';
import { parseSnapshot, volatility } from '../../../../server/src/features/snapshot';
import { itemSlices, standalone } from '../../../../server/src/features/snapshot/raw';
import { parseEnvelope } from '../../../../server/src/wsman/parse';

const REPLY = `<?xml version="1.0" encoding="UTF-8"?>
<a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:g="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_X" xmlns:x="urn:unused"><a:Header/><a:Body><g:PullResponse><g:Items><!-- <not an item> --><h:AMT_X><h:Note attr="a>b">x &lt; y</h:Note><h:Data><![CDATA[<h:Fake/>]]></h:Data></h:AMT_X><h:AMT_X/><h:AMT_X><h:Nested><h:Nested>1</h:Nested></h:Nested></h:AMT_X></g:Items><g:EndOfSequence/></g:PullResponse></a:Body></a:Envelope>`;

describe('items of a reply as the device wrote them', () => {
  it('cuts the Items element into its children, stepping over comments, CDATA and quoted ">"', () => {
    assert.deepEqual(itemSlices(REPLY), [
      '<h:AMT_X><h:Note attr="a>b">x &lt; y</h:Note><h:Data><![CDATA[<h:Fake/>]]></h:Data></h:AMT_X>',
      '<h:AMT_X/>',
      '<h:AMT_X><h:Nested><h:Nested>1</h:Nested></h:Nested></h:AMT_X>',
    ]);
  });

  it('adds the inherited declarations the item uses, and only those', () => {
    const env = parseEnvelope(REPLY);
    const items = env.body.children[0]!.children.find((c) => c.local === 'Items')!.children;
    const slice = itemSlices(REPLY)[1]!;
    assert.equal(standalone(slice, items[1]!), '<h:AMT_X xmlns:h="http://intel.com/wbem/wscim/1/amt-schema/1/AMT_X"/>');
  });
});

describe('volatile values', () => {
  const vol = volatility(Catalog.default());

  it('marks clocks, counters, nonces and log records, each with a reason', () => {
    assert.match(vol.propertyReason('AMT_AuditLog', 'TimeOfLastRecord') ?? '', /fill state/);
    assert.match(vol.propertyReason('AMT_MessageLog', 'CurrentNumberOfRecords') ?? '', /fill state/);
    assert.match(vol.propertyReason('IPS_HostBasedSetupService', 'ConfigurationNonce') ?? '', /nonce/);
    assert.match(vol.propertyReason('AMT_ActiveFilterStatistics', 'ReadCount') ?? '', /counts packets/);
    assert.match(vol.propertyReason('CIM_Processor', 'CurrentClockSpeed') ?? '', /speed now/);
    assert.match(vol.classReason('AMT_EventLogEntry') ?? '', /log records/);
  });

  it('leaves configuration alone: settings, alarm times, release dates, keys', () => {
    for (const [cls, p] of [['AMT_GeneralSettings', 'HostName'], ['AMT_GeneralSettings', 'DDNSTTL'], ['IPS_AlarmClockOccurrence', 'StartTime'], ['CIM_BIOSElement', 'ReleaseDate'], ['AMT_AuditLog', 'Name'], ['AMT_AuditLog', 'MaxNumberOfRecords']] as const) {
      assert.equal(vol.propertyReason(cls, p), undefined, `${cls}.${p}`);
    }
    assert.equal(vol.classReason('AMT_GeneralSettings'), undefined);
  });
});

describe('reading a snapshot file', () => {
  it('refuses what is not one, in one sentence naming the file', () => {
    assert.throws(() => parseSnapshot('[1,', 'x.json'), /^AmtError: x\.json is not valid JSON \(.*\), so it is no AMT Workbench snapshot; /);
    assert.throws(() => parseSnapshot('{"format":"amt-workbench-snapshot","version":7,"classes":{},"device":{}}', 'y.json'), /y\.json is a snapshot of format version 7, newer than this AMT Workbench reads \(1\); update AMT Workbench\./);
    assert.throws(() => parseSnapshot('{"format":"amt-workbench-snapshot","version":1,"device":{},"classes":{"AMT_X":{"instances":[{"key":1}]}}}', 'z.json'), /The class AMT_X in z\.json is damaged/);
  });
});
