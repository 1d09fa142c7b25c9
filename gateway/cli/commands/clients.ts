/**
 * The clients of the gateway that ship with it: virtual cards for vpcd, the reader agent, and
 * verify-batch (the agency's own file, verified through the API).
 */
import { group, leaf, type CommandGroup, type LeafCommand } from '../command.ts';

const AGENT_FILES =
  "--ca, --cert and --key default to the instance's pki/ca.crt and pki/clients/ID.crt|.key;\n--gateway defaults to the instance's gateway (GERBANG_HOST/GERBANG_PORT, or server.host/port).";

export const VCARD_COMMANDS: CommandGroup = group(
  'vcard',
  'virtual SAM and KTP-el cards for vpcd (development, tests)',
  [
    leaf({
      name: 'sam',
      synopsis: '[--port 35963] [--host H] [--key FILE --cert FILE]',
      summary: 'insert the demo SAM (or the one given) into vpcd',
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string' },
        cert: { type: 'string' },
      },
      run: async (values) => (await import('../cards.ts')).vcardCommand('sam', values),
    }),
    leaf({
      name: 'ktp',
      synopsis: '--nik NIK [--port 35964] [--host H] [--issuer-key FILE] [--forged]',
      summary: "insert a simulator resident's KTP-el into vpcd (--forged: with a bad signature)",
      options: {
        nik: { type: 'string', required: true },
        port: { type: 'string' },
        host: { type: 'string' },
        'issuer-key': { type: 'string' },
        forged: { type: 'boolean' },
      },
      run: async (values) => (await import('../cards.ts')).vcardCommand('ktp', values),
    }),
  ],
);

export const IKD_COMMANDS: CommandGroup = group(
  'ikd',
  "IKD (digital ID) presentations of the project's own QR profile (demo, tests)",
  [
    leaf({
      name: 'present',
      synopsis: '--nik NIK [--key FILE] [--key-id ID] [--ttl SECONDS]',
      summary: "print a presentation signed by the demo's TEST issuer (or --key's)",
      details: `--key defaults to the instance's pki/ikd-issuer/demo-ikd-1.key, --key-id to demo-ikd-1,
--ttl to 300 seconds. The text goes to a QR generator, or into the portal's IKD field.
It is a test issuer (docs/ikd-profile.md): a real IKD is made by Dukcapil's app.`,
      options: {
        nik: { type: 'string', required: true },
        key: { type: 'string' },
        'key-id': { type: 'string' },
        ttl: { type: 'string' },
      },
      run: async (values) => {
        (await import('../ikd.ts')).ikdPresentCommand(values);
      },
    }),
  ],
);

export const READER_COMMANDS: CommandGroup = group(
  'reader',
  'the reader agent (docs/readers.md); needs the PC/SC binding',
  [
    leaf({
      name: 'read',
      synopsis:
        '--reader-id ID --purpose P --reference R --operator O [--fields a,b] [--portal] [--gateway URL] [--ca FILE] [--cert FILE] [--key FILE]',
      summary: 'read one KTP-el and send it through the gateway',
      details: AGENT_FILES,
      options: {
        'reader-id': { type: 'string', required: true },
        purpose: { type: 'string', required: true },
        reference: { type: 'string', required: true },
        operator: { type: 'string', required: true },
        fields: { type: 'string' },
        portal: { type: 'boolean' },
        gateway: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
      run: async (values) => (await import('../cards.ts')).readerCommand('read', values),
    }),
    leaf({
      name: 'serve',
      synopsis:
        '--reader-id ID [--port 8444] [--gateway URL] [--ca FILE] [--cert FILE] [--key FILE]',
      summary: 'serve card reads to counter applications: POST /read on 127.0.0.1',
      details: AGENT_FILES,
      options: {
        'reader-id': { type: 'string', required: true },
        port: { type: 'string' },
        gateway: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
      run: async (values) => (await import('../cards.ts')).readerCommand('serve', values),
    }),
  ],
);

export const VERIFY_BATCH_COMMAND: LeafCommand = leaf({
  name: 'verify-batch',
  synopsis:
    '--in FILE.csv --out FILE.csv --purpose P [--gateway URL]\n       [--client ID | --cert FILE --key FILE] [--ca FILE] [--operator ID] [--rate N]\n       [--concurrency N] [--attempts N] [--retry-errors] [--delimiter , | ; | tab]',
  summary: "verify the agency's own file through the gateway, paced by its quota, resumable",
  details: `The header of FILE.csv names canonical elements: nik and any of no_kk, nama_lengkap,
jenis_kelamin, tempat_lahir, tanggal_lahir, status_perkawinan, jenis_pekerjaan, alamat.
Names, places, occupations and addresses match at the agreement's threshold (the
gateway's, not the client's). Columns are separated by , ; or tab, detected from the
header line (or given with --delimiter); the result is written with the same. Progress is checkpointed in OUT.progress; run the same
command again to resume.

exit status: 0 done; 3 done with rows in error; 75 stopped by the daily quota or an
unreachable gateway or Dukcapil (resume later); 130 interrupted (resume); 1 stopped by a
refusal every row would get; 64 usage, or a file that is not CSV (an unclosed quote,
a row of another width: the message names the line; nothing is sent).`,
  options: {
    in: { type: 'string', required: true },
    out: { type: 'string', required: true },
    purpose: { type: 'string', required: true },
    gateway: { type: 'string' },
    client: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    operator: { type: 'string' },
    rate: { type: 'string' },
    concurrency: { type: 'string' },
    attempts: { type: 'string' },
    'retry-errors': { type: 'boolean' },
    delimiter: { type: 'string' },
  },
  run: async (values) => (await import('../verify-batch.ts')).verifyBatchCommand(values),
});
