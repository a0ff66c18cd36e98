/** Public API of the WS-Man engine. */
export { WsmanClient, type WsmanClientOptions, type CallOptions, type IdentifyInfo, type InvokeResult, type RawResponse } from './client';
export { tcpTransport, tlsTransport, normalizeFingerprint, type Transport, type TlsTransportOptions } from './transport';
export { AuthError, CancelledError, ConnectionError, ProtocolError, TimeoutError, TlsError, XmlError } from './errors';
export { WsmanFaultError, faultFromEnvelope, faultMeaning } from './faults';
export { returnValueMeaning } from './returnCodes';
export {
  buildCreate,
  buildDelete,
  buildEnumerate,
  buildGet,
  buildIdentify,
  buildInvoke,
  buildPull,
  buildPut,
  buildRelease,
  buildRenew,
  buildSubscribe,
  buildUnsubscribe,
  newMessageId,
  DELIVERY_MODE,
  type EnumerateOptions,
  type EnumerationMode,
  type HeaderOptions,
  type PullOptions,
  type SubscribeOptions,
} from './envelope';
export { serializeInstance, serializeMethodInput, serializeProperties, serializeSelectorSet, serializeEprContent } from './serialize';
export {
  bodyElement,
  isEprContainer,
  parseEnumeration,
  parseEnvelope,
  parseEpr,
  parseIdentify,
  parseInstance,
  parseMethodOutput,
  parseProperties,
  parseResourceCreated,
  parseSelectorSet,
  parseSubscribeResponse,
  parseValue,
  type EnumerationPage,
  type EnvelopeHeader,
  type IdentifyResult,
  type MethodOutput,
  type ParsedEnvelope,
  type SubscribeResult,
} from './parse';
export { parseXml, escapeXml, childElements, firstChild, attrValue, resolveQName, type XmlElement, type XmlAttr } from './xml';
export { DigestAuth, parseAuthenticateHeader, pickDigestChallenge, computeDigestResponse, type AuthChallenge, type DigestChallenge } from './digest';
export { HttpConnection, type HttpRequest, type HttpResponse } from './http';
export { NS, ACTION, ANONYMOUS, SCHEMA_PREFIX, resourceUriFor, classNameFromUri } from './namespaces';
export * from './types';
