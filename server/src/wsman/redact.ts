/**
 * Trace text without secrets: the Authorization header (its digest response is enough to attack
 * the password offline) and password-like elements in bodies (SetAdminAclEntryEx, UsernameToken…).
 */

// Names ending in these (DigestPassword, RFBPassword, PSKValue, MasterKey…), so that harmless
// settings such as PasswordModel stay readable. UefiBootParametersArray (One Click Recovery) may
// carry the HTTPS server's password inside its base64 TLVs.
const SECRET_ELEMENT = /<((?:[\w.-]+:)?[\w.-]*(?:Password|Passphrase|PassPhrase|PSKValue|PSK|Secret|MasterKey|PrivateKey|UefiBootParametersArray))(\s[^>]*)?>([^<]*)<\/\1>/g;

export function redactHead(head: string): string {
  return head.replace(/^(authorization|proxy-authorization):[^\r\n]*/gim, (_m, name: string) => `${name}: [redacted]`);
}

export function redactBody(xml: string): string {
  return xml.replace(SECRET_ELEMENT, (_m, tag: string, attrs: string | undefined) => `<${tag}${attrs ?? ''}>[redacted]</${tag}>`);
}

/**
 * Where the secrets are in raw HTTP text (as redactHead/redactBody find them): [start, end) of
 * every Authorization value and password-like element content. For traces of bytes that cannot be
 * rewritten as text, e.g. the hex of an APF channel's data on the MEI device.
 */
export function secretSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  // Also a value cut off by the end of the text (bytes split across messages).
  for (const m of text.matchAll(/(?:^|\n)((?:proxy-)?authorization:[ \t]*)([^\r\n]*)/gi)) {
    const from = m.index! + m[0].length - m[2]!.length;
    spans.push([from, from + m[2]!.length]);
  }
  for (const m of text.matchAll(SECRET_ELEMENT)) {
    const from = m.index! + m[0].length - `</${m[1]}>`.length - m[3]!.length;
    spans.push([from, from + m[3]!.length]);
  }
  return spans;
}
