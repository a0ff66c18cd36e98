import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyEdits, fixture, startSession, type Session } from './harness';

describe('wsman formatting', () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.dispose());

  it('pretty-prints each envelope and keeps ###, variable and comment lines and leaf values as written', async () => {
    const text = fixture('unformatted.wsman');
    const { uri } = await session.open('unformatted.wsman', text);
    assert.equal(applyEdits(text, await session.format(uri)), fixture('formatted.wsman'));
  });

  it('changes nothing in a file that is already formatted', async () => {
    const { uri } = await session.open('formatted.wsman', fixture('formatted.wsman'));
    assert.deepEqual(await session.format(uri), []);
  });

  it('uses the editor indentation for the sample requests', async () => {
    const text = fixture('requests.wsman');
    const { uri } = await session.open('requests.wsman', text);
    const formatted = applyEdits(text, await session.format(uri));
    assert.equal(formatted.split('\n').filter((l) => l.startsWith('###') || l.startsWith('@')).join('\n'), text.split('\n').filter((l) => l.startsWith('###') || l.startsWith('@')).join('\n'));
    assert.match(formatted, /\n {4}<h:RequestPowerStateChange_INPUT /);
  });
});
