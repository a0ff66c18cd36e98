/** Pushed WS-Eventing events (DMTF DSP0226 "Eventing") become plain event objects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmtError } from '../../../../server/src/errors';
import { eventText, parseEventEnvelope } from '../../../../server/src/features/events';

/** The push recorded from a real AMT (matt-primrose/amt-notifications), as published there. */
const RECORDED = '<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:a="http://www.w3.org/2003/05/soap-envelope" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:c="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:d="http://schemas.xmlsoap.org/ws/2005/02/trust" xmlns:e="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:f="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:g="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_AlertIndication" xmlns:h="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><a:Header><b:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:To><b:ReplyTo><b:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</b:Address></b:ReplyTo><c:AckRequested></c:AckRequested><b:Action a:mustUnderstand="true">http://schemas.dmtf.org/wbem/wsman/1/wsman/Event</b:Action><b:MessageID>uuid:00000000-8086-8086-8086-000000128538</b:MessageID><c:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_AlertIndication</c:ResourceURI></a:Header><a:Body><g:CIM_AlertIndication><g:AlertType>8</g:AlertType><g:AlertingElementFormat>2</g:AlertingElementFormat><g:AlertingManagedElement>Interop:CIM_ComputerSystem.CreationClassName=&quot;CIM_ComputerSystem&quot;,Name=&quot;Intel(r) AMT&quot;</g:AlertingManagedElement><g:IndicationFilterName>Intel(r) AMT:AllEvents</g:IndicationFilterName><g:IndicationIdentifier>Intel(r):2950234687</g:IndicationIdentifier><g:IndicationTime><h:Datetime>2017-01-31T15:40:09.000Z</h:Datetime></g:IndicationTime><g:Message></g:Message><g:MessageArguments>0</g:MessageArguments><g:MessageArguments>Interop:CIM_ComputerSystem.CreationClassName=CIM_ComputerSystem,Name=Intel(r) AMT</g:MessageArguments><g:MessageID>iAMT0005</g:MessageID><g:OtherAlertingElementFormat></g:OtherAlertingElementFormat><g:OtherSeverity></g:OtherSeverity><g:OwningEntity>Intel(r) AMT</g:OwningEntity><g:PerceivedSeverity>2</g:PerceivedSeverity><g:ProbableCause>0</g:ProbableCause><g:SystemName>Intel(r) AMT</g:SystemName></g:CIM_AlertIndication></a:Body></a:Envelope>';

test('the recorded real push decodes to an agent-presence expiry event', () => {
  const { event, messageId, ackRequested } = parseEventEnvelope(RECORDED);
  assert.equal(messageId, 'uuid:00000000-8086-8086-8086-000000128538');
  assert.equal(ackRequested, true);
  assert.deepEqual(event, {
    messageId: 'iAMT0005',
    text: 'Agent Presence agent 0 expired.',
    messageArguments: ['0', 'Interop:CIM_ComputerSystem.CreationClassName=CIM_ComputerSystem,Name=Intel(r) AMT'],
    severity: 2,
    severityLabel: 'Information',
    alertType: 8,
    time: '2017-01-31T15:40:09.000Z',
    indicationId: 'Intel(r):2950234687',
    filterName: 'Intel(r) AMT:AllEvents',
    systemName: 'Intel(r) AMT',
  });
});

test('a push without AckRequested is plain Push delivery', () => {
  assert.equal(parseEventEnvelope(RECORDED.replace('<c:AckRequested></c:AckRequested>', '')).ackRequested, false);
});

test('anything but an Event carrying CIM_AlertIndication is refused', () => {
  const notEvent = RECORDED.replace('wsman/1/wsman/Event<', 'wsman/1/wsman/Other<');
  assert.throws(() => parseEventEnvelope(notEvent), (e: unknown) => e instanceof AmtError && /not an AMT event/.test(e.message));
  assert.throws(() => parseEventEnvelope('<x/>'), AmtError);
});

test('texts come from the MessageID with %1s filled; the device’s Message wins; unknown IDs stay readable', () => {
  assert.equal(eventText('PLAT0322', ['host-7']), 'Run-time critical stop on system host-7.');
  assert.equal(eventText('iAMT0050', [], 'Custom text'), 'Custom text');
  assert.equal(eventText('iAMT9999', ['a']), 'iAMT9999 (a)');
});
