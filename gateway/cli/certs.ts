/** `gerbang certs init | issue --id ID --role ROLE [--p12] | revoke --id ID` */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CertificateAuthority, SIGNING_PURPOSES, type SigningPurpose } from '../../certs/index.ts';
import { ROLES } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { CliError, EXIT, say } from './output.ts';

const USAGE = `usage:
  gerbang certs init [--san NAME ...]          create the CA, a server certificate and an empty CRL
  gerbang certs issue --id ID --role ROLE [--p12] [--days N]
  gerbang certs revoke --id ID [--serial HEX]  revoke the certificates of ID (or one) and publish the CRL
  gerbang certs crl                            publish a fresh CRL (it is valid 30 days: monthly, and
                                               after every revocation, copy it to server.crlFile)
  gerbang certs server [--san NAME ...] [--days N] [--out BASE]
                                               a new server certificate and key, for a rotation
  gerbang certs signing --purpose audit|reports [--days N] [--out BASE]
                                               a new audit or report signing certificate and key
  (--out BASE writes BASE.crt and BASE.key; by default pki/server-DATE, pki/audit-signing-DATE
   or pki/report-signing-DATE, beside the current ones, which a rotation keeps)`;

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
      purpose: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  switch (sub) {
    case 'init': {
      if (CertificateAuthority.exists(pkiDir))
        throw new CliError(`a CA already exists in ${pkiDir}`);
      const authority = await CertificateAuthority.create(pkiDir);
      const server = await authority.issueServer(values.san ? { altNames: values.san } : {});
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
    case 'crl': {
      const authority = await CertificateAuthority.open(pkiDir);
      await authority.publishCrl();
      say(`published ${CertificateAuthority.paths(pkiDir).crl} (valid 30 days)`);
      return;
    }
    case 'server':
    case 'signing': {
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= 3650))
        throw new CliError('--days must be 1-3650', EXIT.usage);
      const given = values.purpose;
      if (sub === 'signing' && given !== 'audit' && given !== 'reports')
        throw new CliError(`--purpose must be audit or reports\n${USAGE}`, EXIT.usage);
      // undefined: the server certificate.
      const purpose: SigningPurpose | undefined =
        sub === 'signing' && (given === 'audit' || given === 'reports') ? given : undefined;
      const stamp = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const file = purpose === undefined ? 'server' : SIGNING_PURPOSES[purpose].file;
      const base = resolve(values.out ?? join(pkiDir, `${file}-${stamp}`));
      if (existsSync(`${base}.crt`) || existsSync(`${base}.key`))
        throw new CliError(`${base}.crt or .key exists already; choose another --out`);
      const authority = await CertificateAuthority.open(pkiDir);
      const options = { basePath: base, ...(days === undefined ? {} : { validityDays: days }) };
      const issued =
        purpose === undefined
          ? await authority.issueServer({
              ...options,
              ...(values.san ? { altNames: values.san } : {}),
            })
          : await authority.issueSigning(purpose, options);
      say(
        `issued ${purpose === undefined ? 'a server' : purpose === 'audit' ? 'an audit signing' : 'a report signing'} certificate, serial ${issued.serial}`,
      );
      say(`  certificate: ${issued.certificatePath}\n  key:         ${issued.keyPath}`);
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
