import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errno, meiError } from '../../../server/src/mei/errno';
import { MeiClientGuid } from '../../../server/src/mei/guid';

describe('MEI errno → error a user can act on', () => {
  const path = '/dev/mei0';
  const cases: [string, number, 'open' | 'connect' | 'read' | 'write', string, RegExp][] = [
    ['no device', Errno.ENOENT, 'open', 'mei.enoent', /No MEI device at \/dev\/mei0.*modprobe mei_me.*no Intel ME/],
    ['not root', Errno.EACCES, 'open', 'mei.eacces', /Permission denied opening \/dev\/mei0: run as root.*KERNEL=="mei0", GROUP="mei", MODE="0660"/],
    ['EPERM is the same advice', Errno.EPERM, 'open', 'mei.eacces', /run as root/],
    ['client absent', Errno.ENOTTY, 'connect', 'mei.enotty', /LME .* is not present on \/dev\/mei0.*BIOS\/MEBx/],
    ['client held elsewhere', Errno.EBUSY, 'connect', 'mei.ebusy', /LME .* on \/dev\/mei0 is already in use.*Intel LMS.*"lms" target/],
    ['connection dropped', Errno.ENODEV, 'read', 'mei.enodev', /\/dev\/mei0 was dropped.*reconnect/],
    ['cancelled by the driver', Errno.ECANCELED, 'read', 'mei.ecanceled', /\/dev\/mei0.*retry/],
    ['interrupted', Errno.EINTR, 'write', 'mei.eintr', /\/dev\/mei0.*signal: retry/],
    ['emulator gone', Errno.ENOTCONN, 'read', 'mei.enotconn', /\/dev\/mei0 no longer answers.*restart the simulator/],
    ['anything else', Errno.EIO, 'read', 'mei.eio', /MEI read on \/dev\/mei0 failed with EIO/],
  ];
  for (const [what, errno, op, code, text] of cases) {
    it(`${what}: ${code}`, () => {
      const err = meiError(errno, { op, path, guid: MeiClientGuid.LME });
      assert.equal(err.code, code);
      assert.match(err.message, text);
      assert.equal((err.cause as { errno: number }).errno, errno);
    });
  }

  it('EFBIG names the length and the maximum', () => {
    const err = meiError(Errno.EFBIG, { op: 'write', path, guid: MeiClientGuid.AMTHI, length: 5000, maxMessageLength: 4155 });
    assert.equal(err.code, 'mei.efbig');
    assert.match(err.message, /5000-byte message does not fit the AMTHI .* on \/dev\/mei0 \(at most 4155 bytes\)/);
  });

  it('the udev rule names the device node being opened', () => {
    assert.match(meiError(Errno.EACCES, { op: 'open', path: '/dev/mei1' }).message, /KERNEL=="mei1"/);
  });
});
