/**
 * The emulated device answers raw syscalls the way the MEI driver does (spec protocols.md §1.4–1.7),
 * including cases the product's openMei never provokes, and serves an unmodified program (Python).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { IOCTL_MEI_CONNECT_CLIENT } from '../../../server/src/mei/device';
import { Errno } from '../../../server/src/mei/errno';
import { guidToUuidLe } from '../../../server/src/mei/guid';
import { meiLibc, O_NONBLOCK, O_RDWR, POLLERR, POLLIN, POLLOUT } from '../../../server/src/mei/libc';
import type { EmulatedMei } from '../../../server/src/sim/mei/index';
import { closeTemp, echoClient, ECHO_GUID, MAX_LEN, meiSuite, mountTemp, UNKNOWN_GUID, type RecordingClient } from './helpers';

meiSuite('the emulated /dev/mei0 behaves like the MEI driver', () => {
  const libc = () => meiLibc();
  let device: EmulatedMei & { dir: string };
  let echo: RecordingClient;
  const fds: number[] = [];

  const openFd = (flags = O_RDWR | O_NONBLOCK) => {
    const fd = libc().open(device.path, flags);
    assert.ok(fd >= 0, `open failed with errno ${libc().errno()}`);
    fds.push(fd);
    return fd;
  };
  /** CONNECT_CLIENT; returns [result, errno, output bytes]. */
  const connect = (fd: number, guid = ECHO_GUID): [number, number, Buffer] => {
    const data = Buffer.alloc(16);
    guidToUuidLe(guid).copy(data);
    const r = libc().ioctl(fd, IOCTL_MEI_CONNECT_CLIENT, data);
    return [r, r < 0 ? libc().errno() : 0, data];
  };
  const write = (fd: number, text: string | Buffer) => {
    const b = Buffer.from(text);
    const n = libc().write(fd, b, b.length);
    return n < 0 ? -libc().errno() : n;
  };
  /** Reads with a buffer of `size`; returns the bytes or -errno. */
  const read = (fd: number, size = MAX_LEN): Buffer | number => {
    const b = Buffer.alloc(size);
    const n = libc().read(fd, b, size);
    return n < 0 ? -libc().errno() : b.subarray(0, n);
  };
  /** Non-blocking read, retried until a message arrives. */
  const readSoon = async (fd: number, size = MAX_LEN): Promise<Buffer> => {
    for (let i = 0; i < 200; i++) {
      const r = read(fd, size);
      if (r !== -Errno.EAGAIN) return r as Buffer;
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error('no message');
  };

  before(async () => {
    echo = echoClient();
    device = await mountTemp([echo]);
  });
  after(async () => {
    for (const fd of fds) libc().close(fd);
    await closeTemp(device);
  });

  it('read and write before connect fail with ENODEV', () => {
    const fd = openFd();
    assert.equal(read(fd), -Errno.ENODEV);
    assert.equal(write(fd, 'x'), -Errno.ENODEV);
  });

  it('connect fills max_msg_length and protocol_version and leaves the other bytes alone', () => {
    const [r, , data] = connect(openFd());
    assert.equal(r, 0);
    assert.equal(data.readUInt32LE(0), MAX_LEN);
    assert.equal(data.readUInt8(4), 3);
    assert.deepEqual(data.subarray(5), guidToUuidLe(ECHO_GUID).subarray(5));
  });

  it('a second connect on the same fd fails with EBUSY', () => {
    const fd = openFd();
    assert.equal(connect(fd)[0], 0);
    assert.deepEqual(connect(fd).slice(0, 2), [-1, Errno.EBUSY]);
  });

  it('an unknown GUID and an unknown ioctl both fail with ENOTTY', () => {
    const fd = openFd();
    assert.deepEqual(connect(fd, UNKNOWN_GUID).slice(0, 2), [-1, Errno.ENOTTY]);
    assert.equal(libc().ioctl(fd, 0x80044803 /* IOCTL_MEI_NOTIFY_GET */, Buffer.alloc(4)), -1);
    assert.equal(libc().errno(), Errno.ENOTTY);
  });

  it('an oversize write fails with EFBIG; a write of exactly the maximum passes', async () => {
    const fd = openFd();
    connect(fd);
    assert.equal(write(fd, Buffer.alloc(MAX_LEN + 1)), -Errno.EFBIG);
    assert.equal(write(fd, Buffer.alloc(MAX_LEN, 1)), MAX_LEN);
    assert.equal((await readSoon(fd)).length, MAX_LEN);
  });

  it('an O_NONBLOCK read with nothing queued fails with EAGAIN', () => {
    const fd = openFd();
    connect(fd);
    assert.equal(read(fd), -Errno.EAGAIN);
  });

  it('a short read returns the head of the message and keeps the rest for the next read', async () => {
    const fd = openFd();
    connect(fd);
    write(fd, 'two:abcdef');
    assert.equal((await readSoon(fd, 4)).toString(), 'abcd');
    assert.equal((read(fd, 100) as Buffer).toString(), 'ef-1');
    assert.equal((read(fd, 100) as Buffer).toString(), 'abcdef-2');
  });

  it('poll reports POLLOUT when idle, wakes with POLLIN when a message arrives, POLLERR after a reset', async () => {
    const fd = openFd();
    connect(fd);
    const idle = await libc().pollAsync(fd, POLLIN | POLLOUT, 0);
    assert.equal(idle.revents & (POLLIN | POLLOUT), POLLOUT);
    const waiting = libc().pollAsync(fd, POLLIN, 5000);
    write(fd, 'later:100');
    const woke = await waiting;
    // A poll that ran into its timeout returns no events: POLLIN means the notification woke it.
    assert.equal(woke.revents & POLLIN, POLLIN, 'poll was woken by the notification, not by its timeout');
    assert.equal((read(fd) as Buffer).toString(), 'late');
    device.reset();
    assert.equal((await libc().pollAsync(fd, POLLIN, 1000)).revents & POLLERR, POLLERR);
    assert.equal(read(fd), -Errno.ENODEV);
  });

  it('after a reset the same fd may connect again', async () => {
    const fd = openFd();
    connect(fd);
    device.reset();
    assert.equal(write(fd, 'x'), -Errno.ENODEV);
    assert.equal(connect(fd)[0], 0);
    write(fd, 'again');
    assert.equal((await readSoon(fd)).toString(), 'again');
  });

  it('each fd has its own queue', async () => {
    const a = openFd();
    const b = openFd();
    connect(a);
    connect(b);
    write(a, 'for-a');
    write(b, 'for-b');
    assert.equal((await readSoon(b)).toString(), 'for-b');
    assert.equal((await readSoon(a)).toString(), 'for-a');
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it('an unmodified program (Python: blocking read, EINTR by signal) works', { skip: !python && 'python3 is not installed' }, async () => {
    const script = `
import fcntl, os, signal, struct, sys, uuid
fd = os.open(sys.argv[1], os.O_RDWR)
data = bytearray(uuid.UUID(sys.argv[2]).bytes_le)
fcntl.ioctl(fd, 0xC0104801, data, True)
max_len, version = struct.unpack_from('<IB', data)
os.write(fd, b'later:200')
reply = os.read(fd, max_len)  # blocks until the firmware answers
class Alarm(Exception): pass
def on_alarm(*_): raise Alarm()
signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    os.read(fd, max_len)  # nothing will come: only the signal ends it
    interrupted = False
except Alarm:
    interrupted = True
print(max_len, version, reply.decode(), interrupted)
`;
    // Asynchronously: the firmware answers on this thread's event loop.
    const { stdout } = await promisify(execFile)('python3', ['-c', script, device.path, ECHO_GUID], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(stdout.trim(), `${MAX_LEN} 3 late True`);
  });
});
