/**
 * The instances family: references as text, instance documents (XML in and out), the Put plan
 * and diff, method arguments from text, and the one value renderer the CLI and the editor share.
 */
export * from './epr';
export * from './json';
export * from './document';
export * from './render';
export * from './views';
export * from './arguments';
export { describeClass } from './describe';
export { enumeratePage, getInstance, instanceXml, planPut, putXml, invokeMethod, faultOf, type DeviceName } from './operations';
export { instanceToXml } from './xml';
export { wsBool, wsInt } from './scalars';
