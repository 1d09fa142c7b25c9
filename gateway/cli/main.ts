/**
 * `gerbang <command>`: one entry point for operators. Every command finds its instance the same
 * way (GERBANG_DATA_DIR, GERBANG_CONFIG) and exits non-zero with a readable message on error.
 */
import { ConfigError } from '../config/index.ts';
import { SecretError } from '../config/secrets.ts';
import { adminCommand } from './admin.ts';
import { readerCommand, vcardCommand } from './cards.ts';
import { returnDataCommand } from './return-data.ts';
import { retentionCommand } from './retention.ts';
import { reportCommand } from './report.ts';
import { auditCommand } from './audit.ts';
import { certsCommand } from './certs.ts';
import { configCommand, demoCommand, serveCommand, simCommand } from './run.ts';
import { doctorCommand } from './doctor.ts';
import { CliError, EXIT, say, warn } from './output.ts';
import { verifyBatchCommand } from './verify-batch.ts';

const HELP = `gerbang — gateway between the agency and the Dukcapil population registry

commands:
  demo                 first start creates a demo instance; then runs the simulator and the gateway
  serve                run the gateway of the configured instance
  sim [--port N]       run the Dukcapil simulator with the instance's upstream credentials
  certs init|issue|revoke
  config check         validate the configuration and its secret files
  doctor [--json]      check an instance: configuration, key modes, certificates, clock,
                       upstream, SIEM, disk space, agreement; exits 1 on a failure
  audit verify [FILE] [--ca CA.crt]
                       verify the live audit trail, or an export offline
  audit export --out FILE [--from TIME] [--to TIME]
  audit purge [--before TIME]
  admin agreements|renew|terminate|iso27001|clients|suspend|resume
                       agreements and clients (see gerbang admin)
  vcard sam|ktp        virtual SAM and KTP-el cards for vpcd (development, tests)
  report semester|status|verify
                       signed compliance reports (JSON, CMS signature, HTML)
  retention scan [--self-test] [--logs PATH] [--tmp PATH]
                       prove that nothing of a resident is on disk
  return-data status|dead-letters|retry
                       the return-data outbox
  reader read|serve    the reader agent: read a KTP-el and send it through the gateway
  verify-batch --in FILE.csv --out FILE.csv --purpose P
                       verify the agency's own file through the gateway, resumable

environment:
  GERBANG_DATA_DIR     state directory (default ./var)
  GERBANG_CONFIG       configuration file (default $GERBANG_DATA_DIR/gerbang.json)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'demo':
      return demoCommand(args);
    case 'serve':
      return serveCommand(args);
    case 'sim':
      return simCommand(args);
    case 'certs':
      return certsCommand(args);
    case 'audit':
      return auditCommand(args);
    case 'admin':
      return adminCommand(args);
    case 'vcard':
      return vcardCommand(args);
    case 'return-data':
      return returnDataCommand(args);
    case 'retention':
      return retentionCommand(args);
    case 'report':
      return reportCommand(args);
    case 'reader':
      return readerCommand(args);
    case 'config':
      return configCommand(args);
    case 'doctor':
      return doctorCommand(args);
    case 'verify-batch':
      return verifyBatchCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      say(HELP);
      return;
    default:
      throw new CliError(`unknown command: ${command}\n\n${HELP}`, EXIT.usage);
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    warn(`gerbang: ${error.message}`);
    process.exit(EXIT.config);
  }
  if (error instanceof SecretError) {
    warn(`gerbang: ${error.message}`);
    process.exit(EXIT.config);
  }
  if (error instanceof CliError) {
    warn(`gerbang: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (
    error instanceof TypeError &&
    (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    warn(`gerbang: ${error.message}`);
    process.exit(EXIT.usage);
  }
  warn(`gerbang: ${error instanceof Error ? error.message : 'failed'}`);
  process.exit(EXIT.failure);
}
