import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, editDistance } from '../../../server/src/catalog/catalog';
import { AmtError } from '../../../server/src/errors';
import valueMapFile from '../../../server/src/catalog/data/property-value-maps.json';

const catalog = Catalog.default();

describe('Catalog.listClasses', () => {
  test('lists all 261 classes sorted by name with schema and resource URI', () => {
    const list = catalog.listClasses();
    assert.equal(list.length, 261);
    const names = list.map((c) => c.name);
    assert.deepEqual(names, [...names].sort());
    const gs = list.find((c) => c.name === 'AMT_GeneralSettings');
    assert.deepEqual(gs, {
      name: 'AMT_GeneralSettings',
      schema: 'amt',
      resourceUri: 'http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings',
    });
    assert.equal(list.filter((c) => c.schema === 'amt').length, 73);
    assert.equal(list.filter((c) => c.schema === 'cim').length, 158);
    assert.equal(list.filter((c) => c.schema === 'ips').length, 30);
  });

  test('Catalog.default() returns the same immutable instance', () => {
    assert.equal(Catalog.default(), catalog);
    assert.ok(Object.isFrozen(catalog.listClasses()));
    assert.ok(Object.isFrozen(catalog.getClass('AMT_GeneralSettings')));
  });
});

describe('Catalog.getClass', () => {
  test('includes inherited properties, root class first, with declaredIn', () => {
    const gs = catalog.getClass('AMT_GeneralSettings');
    assert.deepEqual(gs.chain, ['CIM_ManagedElement', 'CIM_SettingData', 'AMT_GeneralSettings']);
    const names = gs.properties.map((p) => p.name);
    assert.deepEqual(names.slice(0, 4), ['InstanceID', 'Caption', 'Description', 'ElementName']);
    assert.ok(names.includes('HostName'));
    assert.ok(names.includes('PowerSource'));
    const host = gs.properties.find((p) => p.name === 'HostName')!;
    assert.deepEqual(host, { name: 'HostName', type: 'string', array: false, key: false, required: false, declaredIn: 'AMT_GeneralSettings' });
  });

  test('applies overrides of inherited key and required flags', () => {
    const gs = catalog.getClass('AMT_GeneralSettings');
    const id = gs.properties.find((p) => p.name === 'InstanceID')!;
    assert.equal(id.key, true);
    assert.equal(id.required, true);
    assert.equal(id.declaredIn, 'CIM_ManagedElement');
    // The base class itself keeps InstanceID as an ordinary property.
    const me = catalog.getClass('CIM_ManagedElement').properties.find((p) => p.name === 'InstanceID')!;
    assert.equal(me.key, false);
  });

  test('a subclass re-declaration replaces the inherited definition in place', () => {
    const occ = catalog.getClass('IPS_AlarmClockOccurrence');
    const id = occ.properties.filter((p) => p.name === 'InstanceID');
    assert.equal(id.length, 1);
    assert.equal(id[0].declaredIn, 'IPS_AlarmClockOccurrence');
    assert.equal(occ.properties[0].name, 'InstanceID');
  });

  test('is case-insensitive and accepts the resource URI', () => {
    assert.equal(catalog.getClass('amt_generalsettings').name, 'AMT_GeneralSettings');
    assert.equal(catalog.getClass('http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings').name, 'AMT_GeneralSettings');
  });

  test('an unknown class is an AmtError that names the closest classes', () => {
    assert.throws(
      () => catalog.getClass('AMT_GeneralSetings'),
      (err: unknown) => err instanceof AmtError && err.code === 'catalog.unknown-class' && /AMT_GeneralSettings/.test(err.message),
    );
    assert.equal(catalog.tryGetClass('Nope_Nothing'), undefined);
  });

  test('exposes observed extras from real devices', () => {
    assert.deepEqual([...catalog.getClass('AMT_RemoteAccessService').observedExtras], ['IsRemoteTunnelConnected', 'RemoteTunnelKeepAliveTimeout']);
  });

  test('every class resolves and every property has a known CIM type', () => {
    const types = new Set(['string', 'boolean', 'uint8', 'uint16', 'uint32', 'uint64', 'sint8', 'sint16', 'sint32', 'sint64', 'real32', 'datetime', 'base64', 'hexBinary', 'EPR']);
    for (const { name } of catalog.listClasses()) {
      const c = catalog.getClass(name);
      assert.equal(c.chain[c.chain.length - 1], name);
      for (const p of c.properties) assert.ok(types.has(p.type), `${name}.${p.name}: ${p.type}`);
      for (const k of c.keys) assert.ok(c.properties.some((p) => p.name === k && p.key), `${name} key ${k} is a key property`);
    }
  });
});

describe('Catalog.keys and methods', () => {
  test('keys are the selectors along the whole chain', () => {
    assert.deepEqual([...catalog.keys('AMT_GeneralSettings')], ['InstanceID']);
    assert.deepEqual(new Set(catalog.keys('CIM_PowerManagementService')), new Set(['SystemCreationClassName', 'SystemName', 'CreationClassName', 'Name']));
    assert.deepEqual(new Set(catalog.keys('CIM_AssociatedPowerManagementService')), new Set(['ServiceProvided', 'UserOfService']));
  });

  test('methods include inherited ones with in and out parameters', () => {
    const rpsc = catalog.method('CIM_PowerManagementService', 'RequestPowerStateChange')!;
    assert.equal(rpsc.declaredIn, 'CIM_PowerManagementService');
    assert.deepEqual(rpsc.in.map((p) => p.name), ['PowerState', 'ManagedElement', 'Time', 'TimeoutPeriod']);
    assert.equal(rpsc.in[1].type, 'EPR');
    assert.deepEqual(rpsc.out.map((p) => p.name), ['Job']);
    assert.equal(rpsc.in[0].valueMap?.['8'], 'Power Off - Soft');
    // IPS_PowerManagementService inherits from CIM_Service, not CIM_PowerManagementService.
    assert.ok(catalog.methods('IPS_PowerManagementService').some((m) => m.name === 'RequestOSPowerSavingStateChange'));
  });

  test('a subclass re-declaration of a method wins over the ancestor', () => {
    const all = catalog.methods('AMT_MessageLog');
    const getRecord = all.filter((m) => m.name === 'GetRecord');
    assert.equal(getRecord.length, 1);
    assert.equal(getRecord[0].declaredIn, 'AMT_MessageLog');
    // RequestStateChange is declared on CIM_EnabledLogicalElement and re-declared by AMT_MessageLog.
    assert.equal(all.find((m) => m.name === 'RequestStateChange')!.declaredIn, 'AMT_MessageLog');
    // A method only the ancestor declares is inherited.
    const ancestorOnly = catalog.methods('CIM_MessageLog').filter((m) => !all.some((x) => x.name === m.name));
    assert.deepEqual(ancestorOnly, []);
  });
});

describe('Catalog.valueLabel', () => {
  test('labels PowerState 2 as On and 8 as Off - Soft', () => {
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', 2), 'On');
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', '8'), 'Off - Soft');
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'RequestedPowerState', 12), 'Not Applicable');
  });

  test('inherited value maps apply to subclasses, range keys included', () => {
    assert.equal(catalog.valueLabel('CIM_PowerManagementService', 'EnabledState', 5), 'Not Applicable');
    assert.equal(catalog.valueLabel('AMT_MessageLog', 'HealthState', 5), 'OK');
    assert.equal(catalog.valueLabel('CIM_Processor', 'EnabledState', 40000), 'Vendor Reserved');
    assert.equal(catalog.valueLabel('CIM_Processor', 'EnabledState', 11), 'DMTF Reserved');
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', 0x8000), 'Vendor Specific');
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', 99), 'DMTF Reserved');
  });

  test('a class-specific map replaces the inherited one', () => {
    assert.equal(catalog.valueLabel('AMT_RedirectionService', 'EnabledState', 32771), 'IDE-R and SOL enabled');
    assert.equal(catalog.valueLabel('AMT_UserInitiatedConnectionService', 'EnabledState', 32769), 'BIOS Interface enabled');
    assert.equal(catalog.valueLabel('CIM_KVMRedirectionSAP', 'EnabledState', 6), 'Enabled but Offline');
  });

  test('provisioning, opt-in and general-settings enumerations', () => {
    assert.equal(catalog.valueLabel('AMT_SetupAndConfigurationService', 'ProvisioningState', 2), 'Post-provisioning');
    assert.equal(catalog.valueLabel('AMT_SetupAndConfigurationService', 'ProvisioningMode', 4), 'Client Control Mode');
    assert.equal(catalog.valueLabel('IPS_OptInService', 'OptInRequired', 4294967295), 'All redirection and remote power');
    assert.equal(catalog.valueLabel('IPS_OptInService', 'OptInState', '0'), 'Not started');
    assert.equal(catalog.valueLabel('AMT_GeneralSettings', 'PowerSource', 0), 'AC');
    assert.equal(catalog.valueLabel('CIM_KVMRedirectionSAP', 'KVMProtocol', 4), 'VNC-RFB');
  });

  test('is undefined for properties without a map, unknown classes and non-numeric values', () => {
    assert.equal(catalog.valueLabel('AMT_GeneralSettings', 'HostName', 'x'), undefined);
    assert.equal(catalog.valueLabel('No_Such', 'PowerState', 2), undefined);
    assert.equal(catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', 'abc'), undefined);
  });

  test('labels method parameter values from the catalog', () => {
    assert.equal(catalog.parameterValueLabel('CIM_PowerManagementService', 'RequestPowerStateChange', 'PowerState', 10), 'Master Bus Reset');
    assert.equal(catalog.parameterValueLabel('AMT_MessageLog', 'RequestStateChange', 'RequestedState', 40000), 'Vendor Reserved');
  });

  test('getClass attaches the value map to the property', () => {
    const ps = catalog.getClass('CIM_AssociatedPowerManagementService').properties.find((p) => p.name === 'PowerState')!;
    assert.equal(ps.valueMap?.['2'], 'On');
  });

  test('every value-map entry names a property the class has and cites a source', () => {
    for (const [cls, props] of Object.entries(valueMapFile.classes)) {
      const info = catalog.getClass(cls);
      for (const [prop, entry] of Object.entries(props as Record<string, { source: string; values: Record<string, string> }>)) {
        assert.ok(info.properties.some((p) => p.name === prop), `${cls}.${prop} exists`);
        assert.ok(entry.source.length > 5, `${cls}.${prop} cites a source`);
        assert.ok(Object.keys(entry.values).length > 0);
      }
    }
  });
});

describe('Catalog.findClass', () => {
  test('matches names and URIs ignoring case', () => {
    assert.equal(catalog.findClass('cim_computersystem').match?.name, 'CIM_ComputerSystem');
    assert.equal(catalog.findClass('HTTP://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem').match?.name, 'CIM_ComputerSystem');
  });

  test('suggests the closest names for a typo', () => {
    const r = catalog.findClass('AMT_GeneralSetings');
    assert.equal(r.match, undefined);
    assert.equal(r.suggestions[0], 'AMT_GeneralSettings');
    assert.equal(catalog.findClass('AMT_BootSettingDta').suggestions[0], 'AMT_BootSettingData');
    assert.equal(catalog.findClass('CIM_ComptuerSystem').suggestions[0], 'CIM_ComputerSystem');
  });

  test('suggests the prefixed class for a name without its prefix', () => {
    assert.equal(catalog.findClass('GeneralSettings').suggestions[0], 'AMT_GeneralSettings');
    assert.ok(catalog.findClass('PowerManagementService').suggestions.includes('CIM_PowerManagementService'));
  });

  test('suggests classes that contain a fragment, and nothing for gibberish', () => {
    assert.ok(catalog.findClass('Watchdog').suggestions.some((n) => n.includes('Watchdog')));
    assert.deepEqual(catalog.findClass('qqqqqqqqqqqqqqqqqqqq').suggestions, []);
  });

  test('editDistance counts a transposition as one edit', () => {
    assert.equal(editDistance('abc', 'acb'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
});
