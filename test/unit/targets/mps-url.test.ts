/** MPS addresses as users write them: mps://HOST[:PORT][/GUID], http(s)://…, and the mistakes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { parseMpsUrl } from '../../../server/src/targets/mps';

test('mps:// defaults to MPS port 3000 and carries a device GUID', () => {
  assert.deepEqual(parseMpsUrl('mps://mps.example.com'), { url: 'http://mps.example.com:3000', host: 'mps.example.com', port: 3000, tls: false });
  assert.deepEqual(parseMpsUrl('mps://10.0.0.5:8300/0D6F2B7E-51C4-4A9E-9D3B-3F1A2B4C5D6E'), {
    url: 'http://10.0.0.5:8300', host: '10.0.0.5', port: 8300, tls: false, guid: '0d6f2b7e-51c4-4a9e-9d3b-3f1a2b4c5d6e',
  });
  assert.equal(parseMpsUrl('https://gw.example.com/').url, 'https://gw.example.com:443');
});

test('mistakes are one sentence each', () => {
  const cases: [string, RegExp][] = [
    ['not a url', /is not an MPS address; write it as mps:\/\/HOST:3000/],
    ['mps://admin:secret@host:3000', /Put the MPS user name and password in their own fields/],
    ['ftp://host', /uses ftp; write the MPS address as mps:\/\/HOST:3000/],
    ['mps://host:3000/not-a-guid', /"not-a-guid" in mps:\/\/host:3000\/not-a-guid is not a device GUID/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseMpsUrl(text), (e: unknown) => e instanceof AmtError && e.code === 'mps.invalid' && message.test(e.message) && !e.message.includes('secret'));
  }
});
