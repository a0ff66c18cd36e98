import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { clientLabel, guidToUuidLe, MeiClientGuid } from '../../../server/src/mei/guid';

describe('MEI client GUIDs', () => {
  // The byte strings are the ioctl bytes from spec/protocols.md §2.
  const cases: [string, string][] = [
    [MeiClientGuid.AMTHI, '28 00 F8 12 B7 B4 2D 4B AC A8 46 E0 FF 65 81 4C'],
    [MeiClientGuid.LME, 'DB A4 33 67 76 04 7B 4E B3 AF BC FC 29 BE E7 A7'],
    [MeiClientGuid.WATCHDOG, '6F 9A B7 05 28 46 7F 4D 89 9D A9 15 14 CB 32 AB'],
    [MeiClientGuid.MKHI, '15 67 6A 8E BC 9A 43 40 88 EF 9E 39 C6 F6 3E 0F'],
  ];
  for (const [guid, bytes] of cases) {
    it(`${guid} goes into the connect ioctl as uuid_le ${bytes}`, () => {
      assert.equal(guidToUuidLe(guid).toString('hex'), bytes.replace(/ /g, '').toLowerCase());
    });
  }

  it('accepts upper case and surrounding blanks', () => {
    assert.deepEqual(guidToUuidLe(` ${MeiClientGuid.LME.toUpperCase()} `), guidToUuidLe(MeiClientGuid.LME));
  });

  it('refuses text that is not a GUID with mei.guid', () => {
    assert.throws(() => guidToUuidLe('12f80028b4b74b2daca846e0ff65814c'), (e: unknown) => e instanceof AmtError && e.code === 'mei.guid');
  });

  it('labels well-known clients by name', () => {
    assert.equal(clientLabel(MeiClientGuid.LME.toUpperCase()), `LME (${MeiClientGuid.LME})`);
    assert.equal(clientLabel('00112233-4455-6677-8899-aabbccddeeff'), '00112233-4455-6677-8899-aabbccddeeff');
  });
});
