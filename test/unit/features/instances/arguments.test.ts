import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../../../server/src/catalog/catalog';
import { buildMethodInput, buildSelectors, convertValue } from '../../../../server/src/features/instances';
import { AmtError } from '../../../../server/src/errors';

const catalog = Catalog.default();
const isArgsError = (re: RegExp) => (err: unknown) => err instanceof AmtError && err.code.startsWith('args.') && re.test(err.message);

describe('buildMethodInput', () => {
  test('converts a number and an EPR for RequestPowerStateChange', () => {
    const input = buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', [
      'ManagedElement=CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem',
      'PowerState=8',
    ]);
    assert.deepEqual(Object.keys(input), ['PowerState', 'ManagedElement'], 'catalog order');
    assert.equal(input.PowerState, '8');
    assert.deepEqual(input.ManagedElement, {
      kind: 'epr',
      address: '',
      resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem',
      selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' },
    });
  });

  test('accepts a value-map label instead of the number, and parameter names in any case', () => {
    const input = buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['powerstate=Power Off - Soft']);
    assert.deepEqual(input, { PowerState: '8' });
  });

  test('repeating an array parameter makes an array', () => {
    const input = buildMethodInput(catalog, 'AMT_AuthorizationService', 'AddUserAclEntryEx', ['Realms=3', 'Realms=5', 'AccessPermission=2']);
    assert.deepEqual(input.Realms, ['3', '5']);
    assert.equal(input.AccessPermission, '2');
  });

  test('rejects an unknown parameter naming the real ones', () => {
    assert.throws(
      () => buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['Bogus=1']),
      isArgsError(/no input parameter "Bogus".*PowerState, ManagedElement/),
    );
  });

  test('rejects an unknown method naming the class methods', () => {
    assert.throws(() => buildMethodInput(catalog, 'IPS_OptInService', 'StartOptInn', []), (err: unknown) => err instanceof AmtError && /StartOptIn/.test(err.message));
  });

  test('rejects out-of-range and non-numeric values with the allowed labels', () => {
    assert.throws(() => buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['PowerState=70000']), isArgsError(/uint16.*0 to 65535/));
    assert.throws(() => buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['PowerState=sideways']), isArgsError(/2=Power On/));
  });

  test('rejects a repeated scalar parameter and a malformed assignment', () => {
    assert.throws(() => buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['PowerState=2', 'PowerState=8']), isArgsError(/once/));
    assert.throws(() => buildMethodInput(catalog, 'CIM_PowerManagementService', 'RequestPowerStateChange', ['PowerState']), isArgsError(/Name=Value/));
  });

  test('passes values through as text for classes outside the catalog', () => {
    assert.deepEqual(buildMethodInput(catalog, 'AMT_ThirdPartyDataStorageService', 'GetMTU', ['X=1']), { X: '1' });
  });
});

describe('convertValue', () => {
  test('booleans, datetimes and intervals', () => {
    assert.equal(convertValue({ name: 'B', type: 'boolean', array: false }, 'TRUE', 'B'), 'true');
    assert.equal(convertValue({ name: 'B', type: 'boolean', array: false }, '0', 'B'), 'false');
    assert.deepEqual(convertValue({ name: 'T', type: 'datetime', array: false }, '2024-01-01T00:00:00Z', 'T'), { kind: 'datetime', form: 'Datetime', value: '2024-01-01T00:00:00Z' });
    assert.deepEqual(convertValue({ name: 'T', type: 'datetime', array: false }, 'P1DT2H', 'T'), { kind: 'datetime', form: 'Interval', value: 'P1DT2H' });
    assert.throws(() => convertValue({ name: 'B', type: 'boolean', array: false }, 'maybe', 'B'), isArgsError(/true or false/));
  });
});

describe('buildSelectors', () => {
  test('matches key names ignoring case and parses reference-typed keys', () => {
    const sel = buildSelectors(catalog, 'CIM_AssociatedPowerManagementService', [
      'userofservice=CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem',
    ]);
    assert.deepEqual(Object.keys(sel), ['UserOfService']);
    assert.equal((sel.UserOfService as { kind: string }).kind, 'epr');
    assert.deepEqual(buildSelectors(catalog, 'AMT_EthernetPortSettings', ['InstanceID=Intel(r) AMT Ethernet Port Settings 0']), {
      InstanceID: 'Intel(r) AMT Ethernet Port Settings 0',
    });
  });
});
