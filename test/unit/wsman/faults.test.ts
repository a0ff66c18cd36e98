import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmtError } from '../../../server/src/errors';
import { faultFromEnvelope, WsmanFaultError } from '../../../server/src/wsman/faults';
import { parseEnvelope } from '../../../server/src/wsman/parse';
import { returnValueMeaning } from '../../../server/src/wsman/returnCodes';
import { DESTINATION_UNREACHABLE_FAULT } from './fakeDevice';

/** AlreadyExists as rps recorded it: the fault prefix layout, subcode in e: (wsman). */
const ALREADY_EXISTS =
  '<?xml version="1.0" encoding="UTF-8"?><a:Envelope xmlns:g="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" ' +
  'xmlns:e="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:b="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:a="http://www.w3.org/2003/05/soap-envelope"><a:Header><b:RelatesTo>31</b:RelatesTo>' +
  '<b:Action a:mustUnderstand="true">http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</b:Action></a:Header>' +
  '<a:Body><a:Fault><a:Code><a:Value>a:Sender</a:Value><a:Subcode><a:Value>e:AlreadyExists</a:Value></a:Subcode></a:Code>' +
  '<a:Reason><a:Text xml:lang="en-US">The sender attempted to create a resource which already exists.</a:Text></a:Reason>' +
  '<a:Detail><e:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MissingValues</e:FaultDetail></a:Detail></a:Fault></a:Body></a:Envelope>';

test('DestinationUnreachable: subcode resolved through the fault prefixes, with a readable message', () => {
  const fault = faultFromEnvelope(parseEnvelope(DESTINATION_UNREACHABLE_FAULT), {
    httpStatus: 400,
    resourceUri: 'http://intel.com/wbem/wscim/1/ips-schema/1/IPS_SecIOService',
  });
  assert.ok(fault instanceof WsmanFaultError);
  assert.ok(fault instanceof AmtError);
  assert.equal(fault.code, 'wsman.fault');
  assert.equal(fault.soapCode, 'Sender');
  assert.equal(fault.subcode, 'DestinationUnreachable');
  assert.equal(fault.subcodeNamespace, 'http://schemas.xmlsoap.org/ws/2004/08/addressing');
  assert.equal(fault.reason, 'No route can be determined to reach the destination role defined by the WSAddressing To.');
  assert.equal(fault.detail, '');
  assert.equal(fault.action, 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault');
  assert.equal(fault.httpStatus, 400);
  assert.match(fault.message, /^WS-Man fault DestinationUnreachable for IPS_SecIOService: the device does not serve this class or no instance matches the selectors/);
  assert.match(fault.message, /enumerate the class/);
});

test('AlreadyExists: wsman subcode, fault detail included, advice to update instead', () => {
  const fault = faultFromEnvelope(parseEnvelope(ALREADY_EXISTS))!;
  assert.equal(fault.subcode, 'AlreadyExists');
  assert.equal(fault.subcodeNamespace, 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd');
  assert.equal(fault.detail, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MissingValues');
  assert.match(fault.message, /already exists/);
  assert.match(fault.message, /update or delete the existing instance/);
});

test('an unknown subcode still gives one sentence with the device reason', () => {
  const xml = DESTINATION_UNREACHABLE_FAULT.replace('b:DestinationUnreachable', 'e:SomethingNew').replace('No route can be', 'Odd thing');
  const fault = faultFromEnvelope(parseEnvelope(xml))!;
  assert.equal(fault.subcode, 'SomethingNew');
  assert.match(fault.message, /WS-Man fault SomethingNew: the device refused the request \(device says: "Odd thing/);
});

test('a body that is not a fault yields no fault', () => {
  const xml = DESTINATION_UNREACHABLE_FAULT.replace(/<a:Body>.*<\/a:Body>/, '<a:Body/>');
  assert.equal(faultFromEnvelope(parseEnvelope(xml)), undefined);
});

test('AMT_ and IPS_ methods read PT_STATUS codes', () => {
  assert.equal(returnValueMeaning('AMT_SetupAndConfigurationService', 'CommitChanges', 0), 'Success');
  assert.equal(returnValueMeaning('AMT_PublicKeyManagementService', 'AddCertificate', 36), 'Invalid parameter (INVALID_PARAMETER)');
  assert.equal(returnValueMeaning('IPS_HTTPProxyService', 'AddProxyAccessPoint', 2058), 'Duplicate (DUPLICATE)');
  assert.equal(returnValueMeaning('IPS_OptInService', 'StartOptIn', 2), 'Not ready (NOT_READY)');
  assert.equal(returnValueMeaning('AMT_AuthorizationService', 'SetAdminAclEntryEx', 2054), 'Invalid password (INVALID_PASSWORD)');
});

test('CIM_ methods, and CIM state changes on AMT classes, read the CIM method codes', () => {
  assert.equal(returnValueMeaning('CIM_PowerManagementService', 'RequestPowerStateChange', 0), 'Completed with No Error');
  assert.equal(returnValueMeaning('CIM_PowerManagementService', 'RequestPowerStateChange', 2), 'Unknown or Unspecified Error');
  assert.equal(returnValueMeaning('CIM_BootService', 'SetBootConfigRole', 4097), 'Invalid State Transition');
  assert.equal(returnValueMeaning('AMT_RedirectionService', 'RequestStateChange', 5), 'Invalid Parameter');
  assert.equal(returnValueMeaning('CIM_KVMRedirectionSAP', 'RequestStateChange', 40000), 'Vendor specific (40000)');
});

test('the message log has its own GetRecords and PositionToFirstRecord tables', () => {
  assert.equal(returnValueMeaning('AMT_MessageLog', 'GetRecords', 2), 'Invalid record pointed');
  assert.equal(returnValueMeaning('AMT_MessageLog', 'GetRecords', 3), 'No record exists');
  assert.equal(returnValueMeaning('AMT_MessageLog', 'PositionToFirstRecord', 2), 'No record exists');
  assert.equal(returnValueMeaning('AMT_MessageLog', 'FreezeLog', 2), 'Not ready (NOT_READY)');
});

test('unknown codes say so with the value in decimal and hex', () => {
  assert.equal(returnValueMeaning('AMT_Foo', 'Bar', 9999), 'Unknown return code 9999 (0x270F)');
});
