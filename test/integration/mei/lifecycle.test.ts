/**
 * Mounting and unmounting: nothing is left behind, not after close(), not when the process exits
 * or is signalled, and a dead mount from a killed run does not block the next one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { openMei } from '../../../server/src/mei/device';
import { mountEmulatedMei } from '../../../server/src/sim/mei/index';
import { echoClient, ECHO_GUID, eventually, isMounted, meiSuite, tempDir } from './helpers';

/** Starts children/mount.ts and resolves once its device is mounted. */
async function mountInChild(devicePath: string, mode: 'wait' | 'exit') {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'children', 'mount.ts'), devicePath, mode], {
    cwd: path.resolve(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && res());
    child.once('exit', () => rej(new Error('the child exited before mounting')));
  });
  return { child, exited };
}

async function roundTrip(devicePath: string): Promise<string> {
  const c = await openMei({ path: devicePath, guid: ECHO_GUID });
  try {
    await c.write(Buffer.from('hi'));
    return (await c.read({ timeoutMs: 2000 })).toString();
  } finally {
    await c.close();
  }
}

meiSuite('mounting the emulated MEI device', () => {
  it('close() unmounts and removes the file it created', async () => {
    const dir = tempDir();
    const device = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients: [echoClient()] });
    assert.ok(isMounted(device.path));
    assert.equal(fs.statSync(device.path).mode, 0o100666);
    await device.close();
    await device.close();
    assert.equal(isMounted(device.path), false);
    assert.equal(fs.existsSync(device.path), false);
    fs.rmSync(dir, { recursive: true });
  });

  it('close() keeps a file that was there before', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'existing');
    fs.writeFileSync(file, 'keep me');
    const device = await mountEmulatedMei({ path: file, clients: [echoClient()] });
    assert.equal(await roundTrip(file), 'hi');
    await device.close();
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
    fs.rmSync(dir, { recursive: true });
  });

  it('a directory is refused as the device path', async () => {
    const dir = tempDir();
    await assert.rejects(mountEmulatedMei({ path: dir, clients: [] }), (e: unknown) => e instanceof AmtError && e.code === 'sim.mei.path');
    fs.rmSync(dir, { recursive: true });
  });

  it('two devices serve at once, each with its own clients', async () => {
    const dir = tempDir();
    const a = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients: [echoClient()] });
    const b = await mountEmulatedMei({ path: path.join(dir, 'mei1'), clients: [] });
    assert.equal(await roundTrip(a.path), 'hi');
    await assert.rejects(openMei({ path: b.path, guid: ECHO_GUID }), (e: unknown) => e instanceof AmtError && e.code === 'mei.enotty');
    await Promise.all([a.close(), b.close()]);
    fs.rmSync(dir, { recursive: true });
  });

  it('a connection still open when the simulator closes fails with mei.enotconn instead of hanging', async () => {
    const dir = tempDir();
    const device = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients: [echoClient()] });
    const c = await openMei({ path: device.path, guid: ECHO_GUID });
    const pending = assert.rejects(c.read(), (e: unknown) => e instanceof AmtError && e.code === 'mei.enotconn');
    await new Promise((r) => setTimeout(r, 150));
    await device.close();
    await pending;
    await c.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('a firmware client that throws or oversends is reported through onError; the device keeps serving', async () => {
    const dir = tempDir();
    const errors: string[] = [];
    const faulty = echoClient();
    faulty.open = (connection) => ({
      onMessage(m) {
        if (m.toString() === 'throw') throw new Error('firmware bug');
        if (m.toString() === 'big') return connection.send(Buffer.alloc(faulty.maxMessageLength + 1));
        connection.send(m);
      },
      onClose() {},
    });
    const device = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients: [faulty], onError: (e) => errors.push(String(e)) });
    const c = await openMei({ path: device.path, guid: ECHO_GUID });
    await c.write(Buffer.from('throw'));
    await c.write(Buffer.from('big'));
    await c.write(Buffer.from('ok'));
    assert.equal((await c.read({ timeoutMs: 2000 })).toString(), 'ok');
    assert.equal(errors.length, 2);
    assert.match(errors[0], /firmware bug/);
    assert.match(errors[1], /more than its maxMessageLength/);
    await c.close();
    await device.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('SIGTERM to the process unmounts the device', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mei0');
    const { child, exited } = await mountInChild(file, 'wait');
    assert.ok(isMounted(file));
    child.kill('SIGTERM');
    assert.equal((await exited).signal, 'SIGTERM');
    assert.equal(isMounted(file), false);
    assert.equal(fs.existsSync(file), false);
    fs.rmSync(dir, { recursive: true });
  });

  it('exiting without close() unmounts the device', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mei0');
    const { exited } = await mountInChild(file, 'exit');
    assert.equal((await exited).code, 0);
    assert.equal(isMounted(file), false);
    fs.rmSync(dir, { recursive: true });
  });

  it('a dead mount left by a killed process is replaced by the next mount', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'mei0');
    const { child, exited } = await mountInChild(file, 'wait');
    child.kill('SIGKILL');
    await exited;
    await eventually(() => {
      try {
        fs.statSync(file);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ENOTCONN';
      }
    });
    const device = await mountEmulatedMei({ path: file, clients: [echoClient()] });
    assert.equal(await roundTrip(file), 'hi');
    await device.close();
    assert.equal(isMounted(file), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
