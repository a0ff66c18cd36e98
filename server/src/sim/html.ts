/** The small HTML pages the simulated device serves besides WS-Man. */
import { escapeText } from './xml/write';

/** Body of a 401, in the spirit of AMT's "Log on failed" page (recorded 401 page; docs/simulator.md "HTTP and Digest"). */
export function unauthorizedPage(): string {
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" >\n' +
    '<html><head><title>Intel&reg; Active Management Technology (simulated)</title></head>' +
    '<body><h2 class=warn>Log on failed. Incorrect user name or password, or user account temporarily locked.</h2>' +
    '<p>Try again. Contact your system administrator if the problem persists.</p></body></html>\n'
  );
}

export function indexPage(name: string, version: string): string {
  return (
    '<!DOCTYPE html>\n<html><head><title>AMT simulator</title></head><body>' +
    `<h1>${escapeText(name)}</h1><p>Simulated Intel&reg; AMT ${escapeText(version)}. ` +
    'WS-Management is served at <code>POST /wsman</code> with HTTP Digest authentication.</p></body></html>\n'
  );
}

export function plainPage(status: number, text: string): string {
  return `<html><head><title>${status}</title></head><body><h1>${escapeText(text)}</h1></body></html>\n`;
}
