/** `gerbang certs …`: the instance's PKI (CA, server, client and signing certificates, CRL). */
import { group, leaf, type CommandGroup } from '../command.ts';

const ROLES = 'app, operator, officer, evaluator, admin, reader';
const ROTATION_OUT =
  '--out BASE writes BASE.crt and BASE.key; by default pki/server-DATE, pki/audit-signing-DATE or\npki/report-signing-DATE, beside the current ones, which a rotation keeps (docs/operations.md).';

export const CERTS_COMMANDS: CommandGroup = group(
  'certs',
  "the instance's PKI: CA, certificates, CRL",
  [
    leaf({
      name: 'init',
      synopsis: '[--san NAME ...]',
      summary: 'create the CA, a server certificate and an empty CRL',
      options: { san: { type: 'string', multiple: true } },
      run: async (values) => (await import('../certs.ts')).certsCommand('init', values),
    }),
    leaf({
      name: 'issue',
      synopsis: '--id ID --role ROLE [--client APP] [--p12] [--days N]',
      summary: 'issue a client certificate (CN = principal id, OU = role)',
      details: `ROLE is one of ${ROLES};\n--p12 also writes a PKCS#12 bundle and its password; --days 1-3650 (default 825).\nAn operator (a clerk, CN = operator id) needs --client APP, the app principal it acts for\n(written in the certificate, no configuration change); it always gets a PKCS#12 for the browser.`,
      options: {
        id: { type: 'string', required: true },
        role: { type: 'string', required: true },
        client: { type: 'string' },
        p12: { type: 'boolean' },
        days: { type: 'string' },
      },
      run: async (values) => (await import('../certs.ts')).certsCommand('issue', values),
    }),
    leaf({
      name: 'revoke',
      synopsis: '--id ID [--serial HEX]',
      summary: 'revoke the certificates of ID (or one of them) and publish the CRL',
      options: { id: { type: 'string', required: true }, serial: { type: 'string' } },
      run: async (values) => (await import('../certs.ts')).certsCommand('revoke', values),
    }),
    leaf({
      name: 'crl',
      synopsis: '',
      summary: 'publish a fresh CRL (valid 30 days: monthly, and after every revocation)',
      details: 'Copy it to server.crlFile; the running gateway applies it within a second.',
      options: {},
      run: async () => (await import('../certs.ts')).certsCommand('crl', {}),
    }),
    leaf({
      name: 'server',
      synopsis: '[--san NAME ...] [--days N] [--out BASE]',
      summary: 'a new server certificate and key beside the current ones, for a rotation',
      details: ROTATION_OUT,
      options: {
        san: { type: 'string', multiple: true },
        days: { type: 'string' },
        out: { type: 'string' },
      },
      run: async (values) => (await import('../certs.ts')).certsCommand('server', values),
    }),
    leaf({
      name: 'signing',
      synopsis: '--purpose audit|reports [--days N] [--out BASE]',
      summary: 'a new audit or report signing certificate and key, for a rotation',
      details: `${ROTATION_OUT}\nEach purpose has its own profile (extended key usages, docs/pki.md): the audit key signs\nonly the trail, the report key only reports (emailProtection: stock OpenSSL verifies them).`,
      options: {
        purpose: { type: 'string', required: true },
        days: { type: 'string' },
        out: { type: 'string' },
      },
      run: async (values) => (await import('../certs.ts')).certsCommand('signing', values),
    }),
  ],
);
