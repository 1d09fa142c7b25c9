export * from './port.ts';
export { HttpTimestampAuthority, type HttpTimestampAuthorityOptions } from './http-tsa.ts';
