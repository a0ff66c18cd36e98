/**
 * Reads a PKCS#12 (.pfx) file (RFC 7292): the private key and the certificates, with the MAC
 * checked first so a wrong password is named as such. Encryptions read: PBES2 with PBKDF2 and
 * AES-CBC or 3DES (OpenSSL 3's default) and the legacy pbeWithSHAAnd3-KeyTripleDES-CBC (older
 * OpenSSL and Windows exports). The chain is ordered leaf first, root last — the order
 * AddNextCertInChain wants.
 */
import { createDecipheriv, createHash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { AmtError } from '../../errors';
import { children, expectTag, intValue, octetsOf, oidText, pkcs12Error, readNode, type Node } from './der';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  sha3Des: '1.2.840.113549.1.12.1.3',
} as const;

const HASHES: Record<string, { name: string; block: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128 },
};
const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1', '1.2.840.113549.2.9': 'sha256', '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512',
};
const CIPHERS: Record<string, { name: string; key: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', key: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', key: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', key: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', key: 24 },
};

export interface ProvisioningIdentity {
  key: KeyObject;
  /** Leaf first, root last. */
  chain: X509Certificate[];
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
function pkcs12Kdf(hash: { name: string; block: number }, password: string, salt: Buffer, iterations: number, id: number, size: number): Buffer {
  const v = hash.block;
  const pw = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), i * 2);
  const fill = (b: Buffer) => {
    const out = Buffer.alloc(v * Math.ceil(b.length / v));
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]!;
    return out;
  };
  const I = Buffer.concat([salt.length ? fill(salt) : Buffer.alloc(0), fill(pw)]);
  const D = Buffer.alloc(v, id);
  const parts: Buffer[] = [];
  for (let got = 0; got < size; ) {
    let A = createHash(hash.name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash.name).update(A).digest();
    parts.push(A);
    got += A.length;
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(parts).subarray(0, size);
}

function decrypt(algorithm: Node, data: Buffer, password: string): Buffer {
  const [oidNode, params] = children(algorithm);
  const oid = oidText(expectTag(oidNode, 0x06, 'the encryption algorithm'));
  let cipher: string;
  let key: Buffer;
  let iv: Buffer;
  if (oid === OID.pbes2) {
    const [kdf, scheme] = children(expectTag(params, 0x30, 'the PBES2 parameters'));
    const [kdfOid, kdfParams] = children(expectTag(kdf, 0x30, 'the key derivation'));
    if (oidText(kdfOid!) !== OID.pbkdf2) throw unsupported('a key derivation other than PBKDF2');
    const p = children(expectTag(kdfParams, 0x30, 'the PBKDF2 parameters'));
    const salt = expectTag(p[0], 0x04, 'the PBKDF2 salt').value;
    const iterations = intValue(expectTag(p[1], 0x02, 'the PBKDF2 iteration count'));
    const prfNode = p.find((n, i) => i >= 2 && n.tag === 0x30);
    const prf = prfNode ? PRFS[oidText(children(prfNode)[0]!)] : 'sha1';
    const [schemeOid, ivNode] = children(expectTag(scheme, 0x30, 'the encryption scheme'));
    const c = CIPHERS[oidText(schemeOid!)];
    if (!c || !prf) throw unsupported('a cipher or PRF this reader does not know');
    cipher = c.name;
    key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, c.key, prf);
    iv = expectTag(ivNode, 0x04, 'the IV').value;
  } else if (oid === OID.sha3Des) {
    const [saltNode, iterNode] = children(expectTag(params, 0x30, 'the PBE parameters'));
    const salt = expectTag(saltNode, 0x04, 'the PBE salt').value;
    const iterations = intValue(expectTag(iterNode, 0x02, 'the PBE iteration count'));
    const sha1 = HASHES['1.3.14.3.2.26']!;
    cipher = 'des-ede3-cbc';
    key = pkcs12Kdf(sha1, password, salt, iterations, 1, 24);
    iv = pkcs12Kdf(sha1, password, salt, iterations, 2, 8);
  } else {
    throw unsupported(`the encryption ${oid} (RC2 or 40-bit, for example)`);
  }
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch (err) {
    throw new AmtError('activation.cert', 'The certificate file could not be decrypted with the password given; check --cert-password.', { cause: err });
  }
}

function unsupported(what: string): AmtError {
  return new AmtError('activation.cert', `The certificate file uses ${what}; export it again with AES-256 (openssl pkcs12 -export, OpenSSL 3 defaults).`);
}

function checkMac(pfx: Node[], authSafe: Buffer, password: string): void {
  const macData = pfx[2];
  if (!macData) return;
  const [digestInfo, saltNode, iterNode] = children(macData);
  const [algorithm, digest] = children(expectTag(digestInfo, 0x30, 'the MAC'));
  const hash = HASHES[oidText(children(algorithm!)[0]!)];
  if (!hash) throw unsupported('a MAC digest this reader does not know');
  const iterations = iterNode ? intValue(iterNode) : 1;
  const key = pkcs12Kdf(hash, password, expectTag(saltNode, 0x04, 'the MAC salt').value, iterations, 3, createHash(hash.name).digest().length);
  const mac = createHmac(hash.name, key).update(authSafe).digest();
  const expected = expectTag(digest, 0x04, 'the MAC value').value;
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    throw new AmtError('activation.cert', 'The password of the certificate file is wrong (its integrity check fails); give the one it was exported with via --cert-password.');
  }
}

export function readPkcs12(file: Buffer, password: string): ProvisioningIdentity {
  const top = readNode(file);
  const pfx = children(expectTag(top, 0x30, 'the PFX structure'));
  const [version, authSafeInfo] = pfx;
  if (intValue(expectTag(version, 0x02, 'the version')) !== 3) throw pkcs12Error('not version 3');
  const [ctype, content] = children(expectTag(authSafeInfo, 0x30, 'the authenticated safe'));
  if (oidText(ctype!) !== OID.data) throw unsupported('public-key integrity mode');
  const authSafe = octetsOf(children(expectTag(content, 0xa0, 'the safe content'))[0]!);
  checkMac(pfx, authSafe, password);

  const keys: KeyObject[] = [];
  const certs: X509Certificate[] = [];
  for (const info of children(readNode(authSafe))) {
    const [type, body] = children(info);
    const typeOid = oidText(type!);
    let safe: Buffer;
    if (typeOid === OID.data) safe = octetsOf(children(body!)[0]!);
    else if (typeOid === OID.encryptedData) {
      const [, encInfo] = children(children(body!)[0]!);
      const [, algorithm, encrypted] = children(encInfo!);
      safe = decrypt(algorithm!, octetsOf(encrypted!), password);
    } else throw unsupported(`content of type ${typeOid}`);
    for (const bag of children(readNode(safe))) {
      const [bagId, bagValue] = children(bag);
      const id = oidText(bagId!);
      const inner = children(bagValue!)[0]!;
      if (id === OID.keyBag) keys.push(createPrivateKey({ key: inner.raw, format: 'der', type: 'pkcs8' }));
      else if (id === OID.shroudedKeyBag) {
        const [algorithm, encrypted] = children(inner);
        keys.push(createPrivateKey({ key: decrypt(algorithm!, encrypted!.value, password), format: 'der', type: 'pkcs8' }));
      } else if (id === OID.certBag) {
        const [certType, certValue] = children(inner);
        if (oidText(certType!) === OID.x509) certs.push(new X509Certificate(octetsOf(children(certValue!)[0]!)));
      }
    }
  }
  const key = keys[0];
  if (!key) throw new AmtError('activation.cert', 'The certificate file holds no private key; export the provisioning certificate together with its key.');
  return { key, chain: orderChain(certs, key) };
}

/** Leaf (the certificate of `key`) first, then each issuer, ending with the self-signed root. */
function orderChain(certs: X509Certificate[], key: KeyObject): X509Certificate[] {
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new AmtError('activation.cert', "The certificate file holds no certificate for its private key; export the provisioning certificate with its own key.");
  const chain = [leaf];
  for (let cur = leaf; cur.subject !== cur.issuer || !cur.verify(cur.publicKey); ) {
    const next = certs.find((c) => !chain.includes(c) && c.subject === cur.issuer && cur.verify(c.publicKey));
    if (!next) throw new AmtError('activation.cert', `The certificate file lacks the issuer of "${cur.subject.replace(/\n/g, ', ')}"; export the whole chain up to the root (openssl pkcs12 -export -chain, or -certfile with the CA certificates).`);
    chain.push(next);
    cur = next;
  }
  return chain;
}
