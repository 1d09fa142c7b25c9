/**
 * `gerbang <command>`: one entry point for operators. Every command finds its instance the same
 * way (GERBANG_DATA_DIR, GERBANG_CONFIG) and exits non-zero with a readable message on error.
 */
import { ConfigError } from '../config/index.ts';
import { SecretError } from '../config/secrets.ts';
import { CliError, EXIT, say, warn } from './output.ts';

const HELP = `gerbang — gateway between the agency and the Dukcapil population registry

commands:
  demo                 first start creates a demo instance; then runs the simulator and the gateway
  serve                run the gateway of the configured instance
  sim [--port N]       run the Dukcapil simulator with the instance's upstream credentials
  certs init|issue|revoke
  config check         validate the configuration and its secret files
  health               liveness for container healthchecks: a TLS handshake with the
                       local gateway presenting its configured certificate
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

// Each command's module is loaded when it is run: the gateway process never loads the PC/SC
// binding or the report and console code of other commands.
async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'demo':
      return (await import('./run.ts')).demoCommand(args);
    case 'serve':
      return (await import('./run.ts')).serveCommand(args);
    case 'sim':
      return (await import('./run.ts')).simCommand(args);
    case 'certs':
      return (await import('./certs.ts')).certsCommand(args);
    case 'audit':
      return (await import('./audit.ts')).auditCommand(args);
    case 'admin':
      return (await import('./admin.ts')).adminCommand(args);
    case 'vcard':
      return (await import('./cards.ts')).vcardCommand(args);
    case 'return-data':
      return (await import('./return-data.ts')).returnDataCommand(args);
    case 'retention':
      return (await import('./retention.ts')).retentionCommand(args);
    case 'report':
      return (await import('./report.ts')).reportCommand(args);
    case 'reader':
      return (await import('./cards.ts')).readerCommand(args);
    case 'config':
      return (await import('./run.ts')).configCommand(args);
    case 'health':
      return (await import('./health.ts')).healthCommand(args);
    case 'doctor':
      return (await import('./doctor.ts')).doctorCommand(args);
    case 'verify-batch':
      return (await import('./verify-batch.ts')).verifyBatchCommand(args);
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
