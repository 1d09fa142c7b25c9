export { SyslogForwarder, type SyslogForwarderOptions } from './forwarder.ts';
export {
  formatRfc5424,
  frameOctetCounted,
  parseOctetCounted,
  STRUCTURED_DATA_ID,
} from './format.ts';
