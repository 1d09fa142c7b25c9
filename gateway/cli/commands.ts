/**
 * Every `gerbang` command, once: its options, its usage and its handler. The top-level help, each
 * command's `--help`, the dispatcher and the CLI tests are derived from this table. Handlers are
 * imported when their command runs, so that the gateway process never loads the PC/SC binding,
 * the simulator's population or the report code, and `gerbang reader --help` works on a machine
 * without the PC/SC binding. The entries are declared by area in commands/ (instance, pki,
 * evidence, operations, clients); this file puts them in the order of the top-level help.
 */
import type { Command } from './command.ts';
import {
  IKD_COMMANDS,
  READER_COMMANDS,
  VCARD_COMMANDS,
  VERIFY_BATCH_COMMAND,
} from './commands/clients.ts';
import { AUDIT_COMMANDS, REPORT_COMMANDS, RETENTION_COMMANDS } from './commands/evidence.ts';
import {
  CONFIG_COMMANDS,
  DEMO_COMMAND,
  DOCTOR_COMMAND,
  HEALTH_COMMAND,
  SERVE_COMMAND,
  SIM_COMMAND,
} from './commands/instance.ts';
import { ADMIN_COMMANDS, RETURN_DATA_COMMANDS } from './commands/operations.ts';
import { CERTS_COMMANDS } from './commands/pki.ts';

/** In the order of the top-level help. */
export const COMMANDS: readonly Command[] = [
  DEMO_COMMAND,
  SERVE_COMMAND,
  SIM_COMMAND,
  CERTS_COMMANDS,
  CONFIG_COMMANDS,
  HEALTH_COMMAND,
  DOCTOR_COMMAND,
  AUDIT_COMMANDS,
  ADMIN_COMMANDS,
  VCARD_COMMANDS,
  IKD_COMMANDS,
  READER_COMMANDS,
  RETURN_DATA_COMMANDS,
  REPORT_COMMANDS,
  RETENTION_COMMANDS,
  VERIFY_BATCH_COMMAND,
];
