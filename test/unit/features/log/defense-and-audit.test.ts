/**
 * What a user types into a System Defense filter, as the device receives it (hexBinary octets,
 * masks, ranges, port ranges), what is refused and how; and audit-log records decoded from the
 * byte layout MeshCommander reads (big-endian, initiator by type, extended data in words).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAddressRule, parsePortRange, filterProperties } from '../../../../server/src/features/defense';
import { decodeAuditRecord } from '../../../../server/src/features/log';

describe('filter addresses', () => {
  test('IPv4 and IPv6 addresses, prefixes and ranges become octets, masks and ends', () => {
    assert.deepEqual(parseAddressRule('192.168.0.1', 'source address'), { version: 4, address: 'C0A80001' });
    assert.deepEqual(parseAddressRule('10.0.0.0/8', 'source address'), { version: 4, address: '0A000000', mask: 'FF000000' });
    assert.deepEqual(parseAddressRule('10.1.2.3/20', 'x'), { version: 4, address: '0A010203', mask: 'FFFFF000' });
    assert.deepEqual(parseAddressRule('10.0.0.1-10.0.0.9', 'x'), { version: 4, address: '0A000001', end: '0A000009' });
    assert.deepEqual(parseAddressRule('fe80::1', 'x'), { version: 6, address: 'FE800000000000000000000000000001' });
    assert.deepEqual(parseAddressRule('2001:db8::/32', 'x').mask, 'FFFFFFFF000000000000000000000000');
    assert.deepEqual(parseAddressRule('::ffff:10.0.0.1', 'x').address, '00000000000000000000FFFF0A000001');
  });

  test('bad addresses and ports are refused with one sentence naming the field and the fix', () => {
    assert.throws(() => parseAddressRule('10.0.0.256', 'destination address'), { message: 'The destination address "10.0.0.256" is not an IPv4 or IPv6 address; write one such as 192.168.1.10, 10.0.0.0/8 or 10.0.0.1-10.0.0.9.' });
    assert.throws(() => parseAddressRule('10.0.0.0/33', 'source address'), /prefix length "33"; write a number from 0 to 32/);
    assert.throws(() => parseAddressRule('10.0.0.9-10.0.0.1', 'source address'), /ends before it starts/);
    assert.throws(() => parseAddressRule('10.0.0.1-::1', 'source address'), /mixes IPv4 and IPv6/);
    assert.deepEqual(parsePortRange('1000-2000', 'p'), [1000, 2000]);
    assert.throws(() => parsePortRange('2000-1000', 'source port'), /not a port or a range of ports/);
    assert.throws(() => filterProperties({ kind: 'ip', name: 'x', direction: 'rx', profile: 'drop', source: '10.0.0.1', destination: '::1' }), /mixes IPv4 and IPv6/);
    assert.throws(() => filterProperties({ kind: 'ip', name: 'x', direction: 'rx', profile: 'rate-limit' }), /needs a rate of 1 to 4294967294/);
  });

  test('a filter goes out with the placeholder keys first and the profile, direction and event last', () => {
    const { className, properties } = filterProperties({ kind: 'ip', name: 'dns', direction: 'tx', profile: 'count-drop', protocol: 'udp', destinationPort: '53', eventOnMatch: true });
    assert.equal(className, 'AMT_IPHeadersFilter');
    assert.deepEqual(Object.keys(properties), ['CreationClassName', 'InstanceID', 'Name', 'SystemCreationClassName', 'SystemName', 'HdrIPVersion', 'HdrProtocolID', 'HdrDestPortStart', 'HdrDestPortEnd', 'FilterProfile', 'FilterDirection', 'ActionEventOnMatch']);
    assert.deepEqual([properties.FilterProfile, properties.FilterDirection, properties.HdrProtocolID], [1, 0, 17]);
  });
});

describe('audit records', () => {
  const record = (parts: Buffer[]) => Buffer.concat(parts).toString('base64');
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  const pre = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s) : s;
    return Buffer.concat([Buffer.from([b.length]), b]);
  };

  test('a Digest user\'s ACL change: big-endian ids, the user, the address, the user in the extended data', () => {
    const r = decodeAuditRecord(record([u16(16), u16(2), Buffer.from([0]), pre('admin'), u32(1_700_000_000), Buffer.from([0]), pre('10.0.0.5'), pre(Buffer.from([0, 4, ...Buffer.from('bob1')]))]));
    assert.deepEqual([r.event, r.application, r.description, r.initiator, r.address, r.details, r.time],
      [1602, 'Security Admin', 'ACL Entry Added', 'admin', '10.0.0.5', 'User bob1', '2023-11-14T22:13:20.000Z']);
  });

  test('a local TLS change and a Kerberos power-up', () => {
    const tls = decodeAuditRecord(record([u16(16), u16(7), Buffer.from([2]), u32(0), Buffer.from([2]), pre(''), pre(Buffer.from([1, 2]))]));
    assert.deepEqual([tls.initiator, tls.description, tls.details], ['Local', 'TLS State Changed', 'Remote ServerAuth, Local MutualAuth']);
    const k = decodeAuditRecord(record([u16(17), u16(0), Buffer.from([1]), u32(1), pre(Buffer.from([0xab, 0xcd])), u32(5), Buffer.from([0]), pre('host'), pre('')]));
    assert.deepEqual([k.initiator, k.description, k.address, k.details], ['Kerberos SID abcd', 'Performed Power Up', 'host', '']);
  });

  test('an unknown event is named by its numbers, and a cut record says it cannot be decoded', () => {
    assert.equal(decodeAuditRecord(record([u16(40), u16(3), Buffer.from([2]), u32(0), Buffer.from([2]), pre(''), pre('')])).description, 'Event 3 of Application 40');
    assert.match(decodeAuditRecord(Buffer.from([0, 16, 0]).toString('base64')).description, /^A record that cannot be decoded: 3 bytes/);
  });
});
