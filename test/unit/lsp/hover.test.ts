import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixture, positionOf, startSession, type Session } from './harness';

describe('wsman hover', () => {
  let session: Session;
  let uri: string;
  const text = fixture('requests.wsman');
  before(async () => {
    session = await startSession();
    ({ uri } = await session.open('requests.wsman', text));
  });
  after(() => session.dispose());

  const hoverOn = (needle: string, delta = 1, occurrence = 0) => session.hover(uri, positionOf(text, needle, delta, occurrence));

  it('shows the class behind a ResourceURI: schema, keys, resource URI', async () => {
    const h = await hoverOn('CIM_SoftwareIdentity</w:ResourceURI>', 3);
    assert.match(h, /\*\*CIM_SoftwareIdentity\*\* — CIM class/);
    assert.match(h, /Keys \(selectors\): `InstanceID`/);
    assert.match(h, /Resource URI: `http:\/\/schemas\.dmtf\.org\/wbem\/wscim\/1\/cim-schema\/2\/CIM_SoftwareIdentity`/);
  });

  it('resolves variables in a ResourceURI before describing the class', async () => {
    const h = await hoverOn('{{amt}}/AMT_GeneralSettings', 12);
    assert.match(h, /\*\*AMT_GeneralSettings\*\*/);
  });

  it('shows the method signature behind a method Action', async () => {
    const h = await hoverOn('/CIM_PowerManagementService/RequestPowerStateChange</a:Action>', 30);
    assert.match(h, /CIM_PowerManagementService\.RequestPowerStateChange/);
    assert.match(h, /PowerState: uint16/);
  });

  it('shows a property type and flags on the property element', async () => {
    const h = await hoverOn('<h:PingResponseEnabled>', 4);
    assert.match(h, /AMT_GeneralSettings\.PingResponseEnabled\*\*: `boolean`/);
    const key = await hoverOn('<h:InstanceID>', 4);
    assert.match(key, /`string` \(key, required\)/);
  });

  it('shows a parameter type and its value map on the parameter element', async () => {
    const h = await hoverOn('<h:PowerState>', 4);
    assert.match(h, /RequestPowerStateChange\.PowerState\*\*: `uint16`/);
    assert.match(h, /\| 8 \| Power Off - Soft \|/);
  });

  it('shows the meaning of a value from the value map', async () => {
    const h = await hoverOn('<h:PowerState>8<', '<h:PowerState>'.length);
    assert.match(h, /`8` = \*\*Power Off - Soft\*\*/);
    const prop = await hoverOn('<h:AMTNetworkEnabled>1<', '<h:AMTNetworkEnabled>'.length);
    assert.match(prop, /`1` = \*\*/);
  });

  it('shows the key behind a selector name', async () => {
    const h = await hoverOn('Name="SystemName"', 8);
    assert.match(h, /CIM_PowerManagementService\.SystemName\*\*: `string` \(key, required\)/);
  });

  it('shows what a variable resolves to, and explains the built-ins', async () => {
    assert.match(await hoverOn('{{host}}', 3), /`\{\{host\}\}` = `amt-lab-01`/);
    assert.match(await hoverOn('{{$uuid}}', 3), /built-in/);
  });

  it('explains a WS-Man header', async () => {
    assert.match(await hoverOn('<a:MessageID>', 4), /RelatesTo/);
  });
});
