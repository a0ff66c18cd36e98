import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixture, startSession, type Session } from './harness';

describe('wsman code lenses, symbols and folding', () => {
  let session: Session;
  let uri: string;
  const text = fixture('requests.wsman');
  const lines = text.split('\n');
  before(async () => {
    session = await startSession();
    ({ uri } = await session.open('requests.wsman', text));
  });
  after(() => session.dispose());

  it('puts "Send" and "Send to …" on the ### line of every request', async () => {
    const lenses = await session.codeLenses(uri);
    const separators = lines.flatMap((l, i) => (l.startsWith('###') ? [i] : []));
    assert.equal(lenses.length, 2 * separators.length);
    separators.forEach((line, index) => {
      const here = lenses.filter((l) => l.range.start.line === line);
      assert.deepEqual(
        here.map((l) => [l.command?.title, l.command?.command, l.command?.arguments]),
        [
          ['Send', 'amt.wsman.send', [{ uri, requestIndex: index }]],
          ['Send to …', 'amt.wsman.sendTo', [{ uri, requestIndex: index }]],
        ],
      );
    });
  });

  it('puts the lenses on the first XML line of a request without a ### line', async () => {
    const { uri: single } = await session.open('single.wsman', '\n\n' + text.slice(text.indexOf('<s:Envelope'), text.indexOf('###', text.indexOf('<s:Envelope'))));
    const lenses = await session.codeLenses(single);
    assert.deepEqual(lenses.map((l) => l.range.start.line), [2, 2]);
  });

  it('lists one symbol per request, named by its title or by operation and class, and the variables', async () => {
    const symbols = await session.symbols(uri);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['@amt', '@cim', 'Identify the device', 'Read the general settings', 'Enumerate CIM_SoftwareIdentity', 'Turn the host off', 'Update the general settings', '@host'],
    );
    const off = symbols.find((s) => s.name === 'Turn the host off')!;
    assert.equal(off.detail, 'RequestPowerStateChange CIM_PowerManagementService');
    assert.equal(lines[off.selectionRange.start.line], '### Turn the host off');
  });

  it('folds each request from its ### line, and each multi-line element', async () => {
    const folds = await session.folding(uri);
    const regions = folds.filter((f) => f.kind === 'region').map((f) => lines[f.startLine]);
    assert.deepEqual(regions.filter((l) => l!.startsWith('###')).length, 5);
    const selectorSet = folds.find((f) => lines[f.startLine]!.trim() === '<w:SelectorSet>')!;
    assert.equal(lines[selectorSet.endLine + 1]!.trim(), '</w:SelectorSet>');
  });
});
