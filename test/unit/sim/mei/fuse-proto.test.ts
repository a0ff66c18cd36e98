import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from '../../../../server/src/sim/mei/fuse-proto';
import { request } from './fuse-requests';

describe('FUSE codec', () => {
  it('reads fuse_in_header: len, opcode, unique, nodeid, uid, gid, pid', () => {
    const req = P.parseRequest(request(P.Op.OPEN, 0x1122334455n, Buffer.from([9, 9]), { uid: 1000, gid: 100, pid: 4242 }));
    assert.deepEqual({ ...req, body: [...req.body] }, { opcode: 14, unique: 0x1122334455n, nodeid: 1n, uid: 1000, gid: 100, pid: 4242, body: [9, 9] });
  });

  it('refuses a request whose length field disagrees with what was read', () => {
    const b = request(P.Op.GETATTR, 1n);
    assert.throws(() => P.parseRequest(b.subarray(0, 39)), /shorter than its header/);
    assert.throws(() => P.parseRequest(Buffer.concat([b, Buffer.alloc(1)])), /says 40 bytes but 41/);
  });

  it('a reply is fuse_out_header {len, error 0, unique} + body', () => {
    const r = P.reply(7n, Buffer.from([1, 2, 3]));
    assert.equal(r.toString('hex'), '13000000' + '00000000' + '0700000000000000' + '010203');
  });

  it('an error reply carries the negative errno and no body', () => {
    const r = P.replyError(9n, 19);
    assert.equal(r.length, 16);
    assert.equal(r.readInt32LE(4), -19);
    assert.equal(r.readBigUInt64LE(8), 9n);
  });

  it('a poll notification is {len 24, error FUSE_NOTIFY_POLL, unique 0} + kh', () => {
    const n = P.notifyPoll(0xabcn);
    assert.equal(n.readUInt32LE(0), 24);
    assert.equal(n.readInt32LE(4), 1);
    assert.equal(n.readBigUInt64LE(8), 0n);
    assert.equal(n.readBigUInt64LE(16), 0xabcn);
  });

  it('INIT: reads the kernel version and answers 7.minor with max_write', () => {
    const body = Buffer.alloc(64);
    body.writeUInt32LE(7, 0);
    body.writeUInt32LE(45, 4);
    body.writeUInt32LE(131072, 8);
    body.writeUInt32LE(0x73fffffb, 12);
    assert.deepEqual(P.parseInit(body), { major: 7, minor: 45, maxReadahead: 131072, flags: 0x73fffffb });
    const out = P.encodeInitOut({ minor: 31, maxReadahead: 131072, maxWrite: 65536 });
    assert.equal(out.length, 64);
    assert.deepEqual([out.readUInt32LE(0), out.readUInt32LE(4), out.readUInt32LE(8), out.readUInt32LE(12), out.readUInt32LE(20)], [7, 31, 131072, 0, 65536]);
  });

  it('OPEN answers fh and DIRECT_IO|NONSEEKABLE|STREAM (0x15)', () => {
    const out = P.encodeOpenOut(5n, P.FOPEN_DIRECT_IO | P.FOPEN_NONSEEKABLE | P.FOPEN_STREAM);
    assert.equal(out.length, 16);
    assert.equal(out.readBigUInt64LE(0), 5n);
    assert.equal(out.readUInt32LE(8), 0x15);
  });

  it('GETATTR answers fuse_attr_out with mode, nlink, uid, gid at their offsets', () => {
    const out = P.encodeAttrOut({ ino: 1n, mode: 0o100600, uid: 0, gid: 5, timeSec: 1000n }, 1n);
    assert.equal(out.length, 104);
    assert.equal(out.readBigUInt64LE(0), 1n);
    assert.equal(out.readBigUInt64LE(16), 1n); // ino
    assert.equal(out.readUInt32LE(16 + 60), 0o100600);
    assert.equal(out.readUInt32LE(16 + 64), 1);
    assert.equal(out.readUInt32LE(16 + 72), 5);
  });

  it('READ: fh, size and the file flags at offset 32', () => {
    const body = Buffer.alloc(40);
    body.writeBigUInt64LE(3n, 0);
    body.writeUInt32LE(4155, 16);
    body.writeUInt32LE(0o4002, 32);
    assert.deepEqual(P.parseRead(body), { fh: 3n, size: 4155, flags: 0o4002 });
  });

  it('WRITE: the data starts at offset 40', () => {
    const body = Buffer.concat([Buffer.alloc(40), Buffer.from('hello')]);
    body.writeBigUInt64LE(2n, 0);
    body.writeUInt32LE(5, 16);
    const w = P.parseWrite(body);
    assert.equal(w.fh, 2n);
    assert.equal(w.data.toString(), 'hello');
  });

  it('IOCTL: cmd, the caller’s arg, sizes and input data; the reply is fuse_ioctl_out + output', () => {
    const body = Buffer.concat([Buffer.alloc(32), Buffer.alloc(16, 0xee)]);
    body.writeBigUInt64LE(4n, 0);
    body.writeUInt32LE(0xc0104801, 12);
    body.writeBigUInt64LE(0x7ffd1234n, 16);
    body.writeUInt32LE(16, 24);
    body.writeUInt32LE(16, 28);
    const io = P.parseIoctl(body);
    assert.deepEqual({ ...io, data: io.data.length }, { fh: 4n, flags: 0, cmd: 0xc0104801, arg: 0x7ffd1234n, inSize: 16, outSize: 16, data: 16 });
    const out = P.encodeIoctlOut(0, Buffer.alloc(16, 1));
    assert.equal(out.length, 32);
    assert.equal(out.readInt32LE(0), 0);
    assert.equal(out[16], 1);
  });

  it('POLL: fh, kh, flags, events; the reply is revents', () => {
    const body = Buffer.alloc(24);
    body.writeBigUInt64LE(1n, 0);
    body.writeBigUInt64LE(77n, 8);
    body.writeUInt32LE(1, 16);
    body.writeUInt32LE(0x1, 20);
    assert.deepEqual(P.parsePoll(body), { fh: 1n, kh: 77n, flags: 1, events: 1 });
    assert.equal(P.encodePollOut(0x104).readUInt32LE(0), 0x104);
  });
});
