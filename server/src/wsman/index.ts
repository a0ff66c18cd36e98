/** Public API of the WS-Man engine. */
export { WsmanClient, type WsmanClientOptions, type CallOptions, type IdentifyInfo, type InvokeResult, type RawResponse } from './client';
export { tcpTransport, tlsTransport, normalizeFingerprint, type Transport, type TlsTransportOptions } from './transport';
export { AuthError, CancelledError, ConnectionError, OutcomeUnknownError, ProtocolError, QueueTimeoutError, TimeoutError, TlsError, XmlError } from './errors';
export { mayResend, operationOfAction, operationOfEnvelope, mayHaveBeenApplied, wasNotSent, type WsmanOperation } from './replay';
export { ConnectionPool, DEFAULT_MAX_CONNECTIONS, DEFAULT_QUEUE_TIMEOUT_MS, type PoolOptions, type PooledConnection } from './pool';
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
export { DigestAuth, parseAuthenticateHeader, pickDigestChallenge, describeDigestOffer, computeDigestResponse, DIGEST_ALGORITHMS, type AuthChallenge, type DigestChallenge, type DigestAlgorithm } from './digest';
export { HttpConnection, type HttpRequest, type HttpResponse, type SendOptions } from './http';
export { NS, ACTION, ANONYMOUS, SCHEMA_PREFIX, resourceUriFor, classNameFromUri } from './namespaces';
export * from './types';
