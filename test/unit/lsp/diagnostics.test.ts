import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixture, startSession, type Session } from './harness';

/** `### expect <code>` blocks of mistakes.wsman, with their line ranges. */
function expectations(text: string): { code: string; from: number; to: number }[] {
  const lines = text.split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith('### expect ') ? [{ code: l.slice('### expect '.length).trim(), from: i }] : []));
  return starts.map((s, i) => ({ ...s, to: starts[i + 1]?.from ?? lines.length }));
}

describe('wsman diagnostics', () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.dispose());

  it('reports nothing on a file of correct requests', async () => {
    const { diagnostics } = await session.open('requests.wsman', fixture('requests.wsman'));
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  });

  const text = fixture('mistakes.wsman');
  const cases = expectations(text);
  let published: Awaited<ReturnType<Session['open']>>['diagnostics'] = [];
  before(async () => {
    ({ diagnostics: published } = await session.open('mistakes.wsman', text));
  });

  for (const c of cases) {
    it(`reports ${c.code} for the request on line ${c.from + 1}, and nothing else there`, () => {
      const mine = published.filter((d) => d.range.start.line > c.from && d.range.start.line < c.to);
      assert.ok(mine.length > 0, `expected ${c.code}, got nothing`);
      assert.deepEqual([...new Set(mine.map((d) => d.code))], [c.code], mine.map((d) => d.message).join('\n'));
      for (const d of mine) assert.equal(d.source, 'wsman');
    });
  }

  it('gives malformed XML a precise position', async () => {
    const doc = TextDocument.create('x', 'wsman', 0, text);
    const malformed = published.find((d) => d.code === 'xml.malformed')!;
    assert.equal(doc.getText(malformed.range), '</a:Actoin>');
    // A mistake only fast-xml-parser's validator sees (a repeated attribute) is placed too.
    const repeated = published.find((d) => d.message.includes('repeated'))!;
    assert.match(doc.getText(repeated.range), /^Name="InstanceID">/);
    assert.match(doc.getText({ start: { line: repeated.range.start.line, character: 0 }, end: repeated.range.start }), /<w:Selector Name="InstanceID" $/);
  });

  it('names the closest class for an unknown one and the allowed values for a bad one', () => {
    assert.match(published.find((d) => d.code === 'wsman.unknownClass')!.message, /Did you mean AMT_GeneralSettings\?/);
    assert.match(published.find((d) => d.code === 'wsman.badValue')!.message, /99 is not an allowed value of RequestPowerStateChange\.PowerState; allowed: 2 \(Power On\)/);
  });

  it('clears a diagnostic once the mistake is fixed', async () => {
    const broken = fixture('requests.wsman').replace('<h:PowerState>8<', '<h:PowerState>eight<');
    const { uri, diagnostics } = await session.open('edit.wsman', broken);
    assert.deepEqual(diagnostics.map((d) => d.code), ['wsman.badValue']);
    assert.deepEqual(await session.change(uri, fixture('requests.wsman')), []);
  });

  it('accepts Identify without Action and ResourceURI, but nothing else', async () => {
    const noHeaders = fixture('requests.wsman').replace(/<wsmid:Identify\/>/, '');
    const { diagnostics } = await session.open('identify.wsman', noHeaders);
    assert.deepEqual(diagnostics.map((d) => d.code), ['wsman.missingHeader', 'wsman.missingHeader']);
  });
});
