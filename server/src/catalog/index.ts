export * from './catalog';
export { compileValueMap, type CompiledValueMap } from './value-map';
