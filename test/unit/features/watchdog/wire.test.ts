/** The iAMT watchdog's wire formats: the MEI client messages and the Linux watchdog API (Linux kernel documentation, drivers/watchdog/mei_wdt.c). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AmtError } from '../../../../server/src/errors';
import { checkTimeout, decodeWatchdogInfo, optionNames, WDIOC } from '../../../../server/src/features/watchdog/linux-api';
import { decodeStartResponse, encodeStart, encodeStop, WATCHDOG_CLIENT_GUID } from '../../../../server/src/features/watchdog/messages';
import { watchdogError } from '../../../../server/src/features/watchdog/errors';
import { Errno } from '../../../../server/src/mei/errno';
import { guidToUuidLe } from '../../../../server/src/mei/guid';

describe('watchdog client messages', () => {
  test('start/heartbeat is 02 15 13 10, the timeout as u16 LE, then 17 zero bytes (23 bytes)', () => {
    const m = encodeStart(120);
    assert.equal(m.length, 23);
    assert.equal(m.subarray(0, 6).toString('hex'), '0215131078' + '00');
    assert.ok(m.subarray(6).every((b) => b === 0));
    assert.equal(encodeStart(65535).readUInt16LE(4), 65535);
  });

  test('stop is 02 02 14 10', () => {
    assert.equal(encodeStop().toString('hex'), '02021410');
  });

  test('the start response carries status and the "not required" bit; other messages are not one', () => {
    assert.deepEqual(decodeStartResponse(Buffer.from('0204831000' + '00', 'hex')), { status: 0, notRequired: false });
    assert.deepEqual(decodeStartResponse(Buffer.from('0204831001' + '01', 'hex')), { status: 1, notRequired: true });
    assert.equal(decodeStartResponse(Buffer.from('02021410', 'hex')), undefined);
    assert.equal(decodeStartResponse(Buffer.alloc(0)), undefined);
  });

  test('the watchdog GUID goes on the wire in uuid_le order', () => {
    assert.equal(guidToUuidLe(WATCHDOG_CLIENT_GUID).toString('hex'), '6f9ab70528467f4d899da91514cb32ab');
  });
});

describe('Linux watchdog API', () => {
  test('ioctl numbers are the x86_64 values of linux/watchdog.h', () => {
    assert.equal(WDIOC.GETSUPPORT, 0x80285700);
    assert.equal(WDIOC.SETTIMEOUT, 0xc0045706);
    assert.equal(WDIOC.GETTIMELEFT, 0x8004570a);
  });

  test('struct watchdog_info decodes options, firmware version and the NUL-ended identity', () => {
    const b = Buffer.alloc(40);
    b.writeUInt32LE(0x8480, 0);
    b.writeUInt32LE(2, 4);
    b.write('iamt_wdt', 8, 'latin1');
    assert.deepEqual(decodeWatchdogInfo(b), { options: 0x8480, firmwareVersion: 2, identity: 'iamt_wdt' });
    assert.deepEqual(optionNames(0x8480), ['KEEPALIVEPING', 'ALARMONLY', 'SETTIMEOUT']);
  });

  test('timeouts outside 120..65535 seconds are refused with a sentence naming the range', () => {
    for (const bad of [0, 60, 119, 65536, 120.5]) {
      assert.throws(() => checkTimeout(bad), (e: unknown) => e instanceof AmtError && e.code === 'watchdog.timeout' && /120\.\.65535/.test(e.message));
    }
    for (const good of [120, 600, 65535]) checkTimeout(good);
  });

  test('EBUSY names the holder found and the usual holders with how to stop them', () => {
    const e = watchdogError(Errno.EBUSY, { op: 'open', path: '/dev/watchdog1', holders: ['process 812 (lms)'] });
    assert.equal(e.code, 'watchdog.busy');
    assert.match(e.message, /already in use by process 812 \(lms\)/);
    for (const holder of [/LMS/, /systemd/, /wd_keepalive/]) assert.match(e.message, holder);
  });

  test('EINVAL from SETTIMEOUT names the driver range; EOPNOTSUPP says the driver lacks the operation', () => {
    assert.match(watchdogError(Errno.EINVAL, { op: 'ioctl', path: '/dev/watchdog1', ioctl: 'WDIOC_SETTIMEOUT' }).message, /120\.\.65535/);
    assert.equal(watchdogError(Errno.EOPNOTSUPP, { op: 'ioctl', path: '/dev/watchdog1', ioctl: 'WDIOC_GETTIMELEFT' }).code, 'watchdog.eopnotsupp');
  });
});
