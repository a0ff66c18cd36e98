/** Finding the iAMT watchdog from sysfs and /dev names, never by opening other watchdogs. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { findHolders, findIamtWatchdog } from '../../../../server/src/features/watchdog/discovery';

let root: string;
const dev = () => path.join(root, 'dev');
const sysfs = () => path.join(root, 'sys');
const add = (name: string, identity?: string, driver?: string) => {
  fs.writeFileSync(path.join(dev(), name), '');
  const dir = path.join(sysfs(), name);
  fs.mkdirSync(path.join(dir, 'device'), { recursive: true });
  if (identity) fs.writeFileSync(path.join(dir, 'identity'), `${identity}\n`);
  if (driver) fs.symlinkSync(`../../../bus/mei/drivers/${driver}`, path.join(dir, 'device', 'driver'));
};

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-wd-'));
  fs.mkdirSync(dev());
  fs.mkdirSync(sysfs());
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('the /dev/watchdogN whose sysfs identity is iamt_wdt is found, not the hardware watchdog before it', () => {
  add('watchdog0', 'iTCO_wdt');
  add('watchdog1', 'iamt_wdt');
  assert.equal(findIamtWatchdog({ dev: dev(), sysfs: sysfs() }), path.join(dev(), 'watchdog1'));
});

test('without the identity attribute, a device bound to mei_wdt is recognised', () => {
  fs.rmSync(path.join(sysfs(), 'watchdog1', 'identity'));
  fs.symlinkSync('../../../bus/mei/drivers/mei_wdt', path.join(sysfs(), 'watchdog1', 'device', 'driver'));
  assert.equal(findIamtWatchdog({ dev: dev(), sysfs: sysfs() }), path.join(dev(), 'watchdog1'));
});

test('LMS’s /dev/iamt_watchdog wins; nothing found is undefined', () => {
  fs.writeFileSync(path.join(dev(), 'iamt_watchdog'), '');
  assert.equal(findIamtWatchdog({ dev: dev(), sysfs: sysfs() }), path.join(dev(), 'iamt_watchdog'));
  assert.equal(findIamtWatchdog({ dev: path.join(root, 'none'), sysfs: path.join(root, 'none') }), undefined);
});

test('holders are the processes with the file open', () => {
  const file = path.join(root, 'held');
  fs.writeFileSync(file, '');
  const fd = fs.openSync(file, 'r');
  try {
    assert.ok(findHolders(file).some((h) => h.startsWith(`process ${process.pid} `)));
  } finally {
    fs.closeSync(fd);
  }
  assert.deepEqual(findHolders(file), []);
});
