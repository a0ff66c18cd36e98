/**
 * The shapes every protocol family file (protocol/*.ts) may use, re-exported from ../protocol.ts
 * where they are declared, so that family files import nothing else of the project.
 */
export type { Credentials, TargetParams, Fault, Reference, Selectors, PowerStateResult } from '../protocol';
