/**
 * The retention self-test: every data path with the canary residents through the live gateway —
 * a lookup, a verification, a card read (the real agent with the demo SAM and a virtual KTP-el as direct
 * channels), and a return-data submission waited on until delivered — so that the scan that
 * follows looks for what those paths could have left behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { SyntheticPopulation } from '../../../adapters/dukcapil-sim/index.ts';
import { httpsSender, readCardThroughGateway } from '../../../adapters/reader-agent/agent.ts';
import { directCards } from '../../../adapters/vcard/direct.ts';
import { virtualKtp } from '../../../adapters/vcard/ktp.ts';
import { virtualSam } from '../../../adapters/vcard/sam.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { clientCredentials } from '../../config/instance.ts';
import { demoReaderFiles } from '../demo/instance.ts';

const CANARY = '6474015709900001';

export interface SelfTestStep {
  readonly step: 'lookup' | 'verify' | 'card_read' | 'return_data';
  readonly outcome: string;
}

function agentFor(pkiDir: string, id: string): Agent {
  return new Agent({ connect: clientCredentials(pkiDir, id) });
}

export async function runDataPaths(options: {
  gatewayUrl: string;
  pkiDir: string;
  config: GerbangConfig;
}): Promise<SelfTestStep[]> {
  const steps: SelfTestStep[] = [];
  const app = agentFor(options.pkiDir, 'app-pendaftaran');
  const headers = { 'content-type': 'application/json', 'x-operator-id': 'retention.self-test' };
  try {
    /** A request about the canary as app-pendaftaran; the answer is read and dropped. */
    const aboutCanary = async (path: string, extra: Record<string, unknown> = {}) => {
      const response = await request(`${options.gatewayUrl}${path}`, {
        method: 'POST',
        dispatcher: app,
        headers,
        body: JSON.stringify({
          nik: CANARY,
          purpose: 'pendaftaran-wp',
          reference: 'RETENTION-SELF-TEST',
          ...extra,
        }),
      });
      await response.body.dump();
      return String(response.statusCode);
    };
    steps.push({ step: 'lookup', outcome: await aboutCanary('/v1/nik/lookup') });

    // A verification carries the resident's values in the request: they must not stay either.
    const claims = {
      nama_lengkap: 'SITI KENARI RAHAYU',
      tanggal_lahir: '1990-09-17',
      alamat: 'JL. KENARI NO. 7',
      no_kk: '6474011203150004',
    };
    steps.push({ step: 'verify', outcome: await aboutCanary('/v1/nik/verify', { claims }) });

    const files = demoReaderFiles(options.pkiDir);
    if (
      options.config.readers !== undefined &&
      existsSync(files.samKey) &&
      existsSync(files.cardIssuerKey)
    ) {
      const record = new SyntheticPopulation('gerbang-demo').find(CANARY) ?? {};
      const cards = directCards(
        virtualSam({
          keyPem: readFileSync(files.samKey),
          certificatePem: readFileSync(files.samCertificate, 'utf8'),
        }),
        virtualKtp({ record, issuerKeyPem: readFileSync(files.cardIssuerKey) }),
      );
      const reader = agentFor(options.pkiDir, 'reader-01');
      try {
        const answer = await readCardThroughGateway(cards, {
          send: httpsSender({
            gatewayUrl: options.gatewayUrl,
            dispatcher: reader,
            readerId: 'reader-01',
            operator: 'retention.self-test',
          }),
          readerId: 'reader-01',
          purpose: 'pelayanan-loket',
          reference: 'RETENTION-SELF-TEST',
        });
        steps.push({ step: 'card_read', outcome: String(answer.status) });
      } finally {
        await reader.close();
      }
    } else {
      steps.push({ step: 'card_read', outcome: 'skipped (no demo SAM on this instance)' });
    }

    const submitted = await request(`${options.gatewayUrl}/v1/return-data`, {
      method: 'POST',
      dispatcher: app,
      headers: { ...headers, 'idempotency-key': `retention-self-test-${Date.now()}` },
      body: JSON.stringify({
        nik: CANARY,
        npwpd: '0001.07.02',
        jenis_pajak: ['PBB_P2'],
        reference: 'RETENTION-SELF-TEST',
      }),
    });
    const { id } = (await submitted.body.json()) as { id?: string };
    let status = `submission ${submitted.statusCode}`;
    const deadline = Date.now() + 30_000;
    while (id !== undefined && Date.now() < deadline) {
      const response = await request(`${options.gatewayUrl}/v1/return-data/${id}`, {
        dispatcher: app,
      });
      status = ((await response.body.json()) as { status?: string }).status ?? 'unknown';
      if (status !== 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    steps.push({ step: 'return_data', outcome: status });
  } finally {
    await app.close();
  }
  return steps;
}
