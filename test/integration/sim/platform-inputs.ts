/**
 * Request fragments for the boot, Wi-Fi and 802.1x methods (the shapes Intel's Open AMT message
 * library and MeshCommander send: an EPR input is Address + ReferenceParameters; an embedded
 * instance is an element holding the properties in the embedded class's namespace).
 */
import { NS, resourceUriFor } from '../../../server/src/wsman/namespaces';
import { escapeXml } from './helpers';

/** `<h:NAME>` holding an EPR of CLASS with the given selectors. */
export function eprInput(name: string, className: string, selectors: Record<string, string>): string {
  const sel = Object.entries(selectors)
    .map(([k, v]) => `<w:Selector Name="${k}">${escapeXml(v)}</w:Selector>`)
    .join('');
  return (
    `<h:${name}><a:Address xmlns:a="${NS.addressing}">/wsman</a:Address>` +
    `<a:ReferenceParameters xmlns:a="${NS.addressing}"><w:ResourceURI xmlns:w="${NS.wsman}">${resourceUriFor(className)}</w:ResourceURI>` +
    `<w:SelectorSet xmlns:w="${NS.wsman}">${sel}</w:SelectorSet></a:ReferenceParameters></h:${name}>`
  );
}

/** `<h:NAME xmlns:q="…/CLASS"><q:K>V</q:K>…</h:NAME>`, an embedded instance input. */
export function embeddedInput(name: string, className: string, props: Record<string, string | number>): string {
  const inner = Object.entries(props)
    .map(([k, v]) => `<q:${k}>${escapeXml(String(v))}</q:${k}>`)
    .join('');
  return `<h:${name} xmlns:q="${resourceUriFor(className)}">${inner}</h:${name}>`;
}

/** AddWiFiSettings inputs for a WPA2-PSK profile (AuthenticationMethod 6, EncryptionMethod 4 = CCMP). */
export function wifiPskInputs(profile: string, ssid: string, priority: number): string {
  return (
    eprInput('WiFiEndpoint', 'CIM_WiFiEndpoint', { Name: 'WiFi Endpoint 0' }) +
    embeddedInput('WiFiEndpointSettingsInput', 'CIM_WiFiEndpointSettings', {
      ElementName: profile, InstanceID: `Intel(r) AMT:WiFi Endpoint Settings ${profile}`, AuthenticationMethod: 6,
      EncryptionMethod: 4, SSID: ssid, Priority: priority, PSKPassPhrase: 'Simulated#Passphrase1',
    })
  );
}

/** AddWiFiSettings inputs for a WPA2-802.1x (EAP-TLS) profile with a client and a CA certificate. */
export function wifi8021xInputs(profile: string, ssid: string, priority: number): string {
  return (
    eprInput('WiFiEndpoint', 'CIM_WiFiEndpoint', { Name: 'WiFi Endpoint 0' }) +
    embeddedInput('WiFiEndpointSettingsInput', 'CIM_WiFiEndpointSettings', {
      ElementName: profile, InstanceID: `Intel(r) AMT:WiFi Endpoint Settings ${profile}`, AuthenticationMethod: 7,
      EncryptionMethod: 4, SSID: ssid, Priority: priority,
    }) +
    embeddedInput('IEEE8021xSettingsInput', 'CIM_IEEE8021xSettings', { ElementName: profile, AuthenticationProtocol: 0, Username: 'iME$amt16$' }) +
    eprInput('ClientCredential', 'AMT_PublicKeyCertificate', { InstanceID: 'Intel(r) AMT Certificate: Handle: 0' }) +
    eprInput('CACredential', 'AMT_PublicKeyCertificate', { InstanceID: 'Intel(r) AMT Certificate: Handle: 1' })
  );
}
