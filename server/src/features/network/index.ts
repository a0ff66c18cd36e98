/**
 * Network and certificates: AMT's interfaces, 802.1x and TLS settings (settings.ts), staging TLS
 * changes and committing them (tls.ts), and the certificate store (certificates.ts).
 */
export { readNetwork, readTls, REMOTE_TLS_ID, LOCAL_TLS_ID, type NetworkClient } from './settings';
export { setTls, commitChanges, type Route, type TlsChange } from './tls';
export { listCertificates, addTrustedRoot, addCertificate, generateKeyPair, createCsr, parseCertificate, type CsrSubject } from './certificates';
