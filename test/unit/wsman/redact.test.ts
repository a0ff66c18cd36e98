import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactBody, redactHead } from '../../../server/src/wsman/redact';

test('the Authorization header is replaced, other headers kept', () => {
  const head = 'POST /wsman HTTP/1.1\r\nHost: h:16992\r\nAuthorization: Digest username="admin",response="abc"\r\nContent-Length: 3';
  assert.equal(redactHead(head), 'POST /wsman HTTP/1.1\r\nHost: h:16992\r\nAuthorization: [redacted]\r\nContent-Length: 3');
});

test('password-like elements are blanked whatever their prefix; ordinary settings stay readable', () => {
  const body =
    '<h:SetAdminAclEntryEx_INPUT><h:Username>admin</h:Username><h:DigestPassword>s3cret</h:DigestPassword></h:SetAdminAclEntryEx_INPUT>' +
    '<se:Password Type="#PasswordText">p2</se:Password><g:RFBPassword>p3</g:RFBPassword><g:PasswordModel>1</g:PasswordModel>';
  const out = redactBody(body);
  for (const secret of ['s3cret', 'p2', 'p3']) assert.ok(!out.includes(`>${secret}<`), secret);
  assert.ok(out.includes('<se:Password Type="#PasswordText">[redacted]</se:Password>'));
  assert.ok(out.includes('<g:PasswordModel>1</g:PasswordModel>'));
  assert.ok(out.includes('<h:Username>admin</h:Username>'));
});
