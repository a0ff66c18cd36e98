/**
 * Trace text without secrets: the Authorization header (its digest response is enough to attack
 * the password offline) and password-like elements in bodies (SetAdminAclEntryEx, UsernameToken…).
 */

// Names ending in these (DigestPassword, RFBPassword, PSKValue, MasterKey…), so that harmless
// settings such as PasswordModel stay readable.
const SECRET_ELEMENT = /<((?:[\w.-]+:)?[\w.-]*(?:Password|Passphrase|PassPhrase|PSKValue|PSK|Secret|MasterKey|PrivateKey))(\s[^>]*)?>([^<]*)<\/\1>/g;

export function redactHead(head: string): string {
  return head.replace(/^(authorization|proxy-authorization):[^\r\n]*/gim, (_m, name: string) => `${name}: [redacted]`);
}

export function redactBody(xml: string): string {
  return xml.replace(SECRET_ELEMENT, (_m, tag: string, attrs: string | undefined) => `<${tag}${attrs ?? ''}>[redacted]</${tag}>`);
}
