/** `gerbang certs init | issue --id ID --role ROLE [--p12] | revoke --id ID` */
import { parseArgs } from 'node:util';
import { CertificateAuthority } from '../../certs/index.ts';
import { ROLES } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { CliError, EXIT, say } from './output.ts';

const USAGE = `usage:
  gerbang certs init [--san NAME ...]          create the CA, a server certificate and an empty CRL
  gerbang certs issue --id ID --role ROLE [--p12] [--days N]
  gerbang certs revoke --id ID [--serial HEX]  revoke the certificates of ID (or one) and publish the CRL`;

export async function certsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { pkiDir } = locateInstance();
  const { values } = parseArgs({
    args: rest,
    options: {
      id: { type: 'string' },
      role: { type: 'string' },
      p12: { type: 'boolean', default: false },
      days: { type: 'string' },
      san: { type: 'string', multiple: true },
      serial: { type: 'string' },
    },
    strict: true,
  });
  switch (sub) {
    case 'init': {
      if (CertificateAuthority.exists(pkiDir))
        throw new CliError(`a CA already exists in ${pkiDir}`);
      const authority = await CertificateAuthority.create(pkiDir);
      const server = await authority.issue({
        kind: 'server',
        id: 'gerbang',
        role: 'server',
        altNames: values.san ?? ['localhost', '127.0.0.1'],
      });
      say(`CA created in ${pkiDir}\nserver certificate: ${server.certificatePath}`);
      return;
    }
    case 'issue': {
      if (values.id === undefined || values.role === undefined)
        throw new CliError(USAGE, EXIT.usage);
      if (!(ROLES as readonly string[]).includes(values.role))
        throw new CliError(`--role must be one of ${ROLES.join(', ')}`, EXIT.usage);
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= 3650))
        throw new CliError('--days must be 1-3650', EXIT.usage);
      const authority = await CertificateAuthority.open(pkiDir);
      const issued = await authority.issue({
        kind: 'client',
        id: values.id,
        role: values.role,
        p12: values.p12,
        ...(days ? { validityDays: days } : {}),
      });
      say(`issued ${values.id} (${values.role}), serial ${issued.serial}`);
      say(`  certificate: ${issued.certificatePath}\n  key:         ${issued.keyPath}`);
      if (issued.p12Path)
        say(`  PKCS#12:     ${issued.p12Path} (password in ${issued.p12PasswordPath ?? ''})`);
      return;
    }
    case 'revoke': {
      if (values.id === undefined) throw new CliError(USAGE, EXIT.usage);
      const authority = await CertificateAuthority.open(pkiDir);
      const serials = await authority.revoke(
        values.id,
        values.serial === undefined ? {} : { serial: values.serial },
      );
      if (serials.length === 0)
        throw new CliError(`no unrevoked certificate issued to ${values.id}`);
      say(
        `revoked ${values.id}: ${serials.join(', ')}; CRL published (the gateway applies it within a second)`,
      );
      return;
    }
    default:
      throw new CliError(USAGE, EXIT.usage);
  }
}
