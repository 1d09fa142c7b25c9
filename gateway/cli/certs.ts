/** `gerbang certs init | issue | revoke | crl | server | signing` (options in commands.ts). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CertificateAuthority, SIGNING_PURPOSES, type SigningPurpose } from '../../certs/index.ts';
import { ROLES } from '../config/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { CliError, EXIT, say } from './output.ts';

/** The options of the certs subcommands (commands.ts declares which each takes). */
export interface CertsValues {
  readonly id?: string | undefined;
  readonly role?: string | undefined;
  readonly client?: string | undefined;
  readonly p12?: boolean;
  readonly days?: string | undefined;
  readonly san?: string[] | undefined;
  readonly serial?: string | undefined;
  readonly purpose?: string | undefined;
  readonly out?: string | undefined;
}

export async function certsCommand(
  sub: 'init' | 'issue' | 'revoke' | 'crl' | 'server' | 'signing',
  values: CertsValues,
): Promise<void> {
  const { pkiDir } = resolveInstance();
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
        throw new CliError('--id and --role are required', EXIT.usage);
      if (!(ROLES as readonly string[]).includes(values.role))
        throw new CliError(`--role must be one of ${ROLES.join(', ')}`, EXIT.usage);
      const days = values.days === undefined ? undefined : Number(values.days);
      if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= 3650))
        throw new CliError('--days must be 1-3650', EXIT.usage);
      const operator = values.role === 'operator';
      if (operator !== (values.client !== undefined))
        throw new CliError(
          '--client APP is required for role operator, and only for it',
          EXIT.usage,
        );
      const authority = await CertificateAuthority.open(pkiDir);
      const issued = await authority.issue({
        kind: 'client',
        id: values.id,
        role: values.role,
        // A clerk's certificate goes into a browser: always with its PKCS#12.
        p12: values.p12 === true || operator,
        ...(values.client === undefined ? {} : { client: values.client }),
        ...(days ? { validityDays: days } : {}),
      });
      say(
        `issued ${values.id} (${values.role}${values.client === undefined ? '' : ` for ${values.client}`}), serial ${issued.serial}`,
      );
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
        throw new CliError('--purpose must be audit or reports', EXIT.usage);
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
      if (values.id === undefined) throw new CliError('--id is required', EXIT.usage);
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
  }
}
