import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits, fixture, startSession, type Session } from './harness';

const GOOD = fixture('requests.wsman');

describe('wsman quick fixes', () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.dispose());

  /** Opens `text`, takes the first diagnostic with `code`, applies its preferred fix, returns the new text. */
  async function fix(name: string, text: string, code: string): Promise<{ title: string; fixed: string }> {
    const { uri, diagnostics } = await session.open(name, text);
    const d = diagnostics.find((x) => x.code === code);
    assert.ok(d, `expected a ${code} diagnostic, got ${diagnostics.map((x) => x.code).join(', ')}`);
    const actions = await session.codeActions(uri, [d]);
    const preferred = actions.find((a) => a.isPreferred) ?? actions[0];
    assert.ok(preferred, 'a quick fix is offered');
    assert.equal(preferred.kind, 'quickfix');
    const edits = preferred.edit!.changes![uri] as TextEdit[];
    return { title: preferred.title, fixed: applyEdits(text, edits) };
  }

  it('replaces a misspelled class with the closest one', async () => {
    const text = GOOD.replace('CIM_SoftwareIdentity</w:ResourceURI>', 'CIM_SoftwareIdentiy</w:ResourceURI>');
    const { title, fixed } = await fix('class.wsman', text, 'wsman.unknownClass');
    assert.equal(title, 'Change to http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity');
    assert.equal(fixed, GOOD);
  });

  it('replaces a misspelled property with the closest one, in both tags', async () => {
    const text = GOOD.replace('<h:HostName>{{host}}</h:HostName>', '<h:HostNam>{{host}}</h:HostNam>');
    const { title, fixed } = await fix('prop.wsman', text, 'wsman.unknownProperty');
    assert.equal(title, 'Change to h:HostName');
    assert.equal(fixed, GOOD);
  });

  it('replaces a misspelled parameter with the closest one, in both tags', async () => {
    const text = GOOD.replace('<h:PowerState>8</h:PowerState>', '<h:PowerStat>8</h:PowerStat>');
    const { fixed } = await fix('param.wsman', text, 'wsman.unknownParameter');
    assert.equal(fixed, GOOD);
  });

  it('expands a bare class name to its resource URI', async () => {
    const text = GOOD.replace('http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity</w:ResourceURI>', 'CIM_SoftwareIdentity</w:ResourceURI>');
    const { fixed } = await fix('bare.wsman', text, 'wsman.bareClassName');
    assert.equal(fixed, GOOD);
  });

  it('declares a missing namespace prefix on the Envelope', async () => {
    const text = GOOD.replace(' xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"', '');
    const { title, fixed } = await fix('ns.wsman', text, 'xml.undeclaredPrefix');
    assert.equal(title, 'Declare xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"');
    assert.equal(fixed, GOOD);
    const { diagnostics } = await session.open('ns-fixed.wsman', fixed);
    assert.deepEqual(diagnostics, []);
  });
});
