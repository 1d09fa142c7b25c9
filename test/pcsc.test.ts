/**
 * KTP-el readers on the real PC/SC stack: Debian's pcscd with vsmartcard-vpcd, the virtual SAM
 * and KTP-el speaking the vpcd protocol, the real reader agent (pcsclite) and the real gateway,
 * all inside a private network and mount namespace (see test/pcsc/namespace.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/child-gateway.ts';
import { canUnshare, describeWithTools, onPath } from './helpers/tools.ts';

/** Namespaces of their own: network and mounts (see namespace.sh), and processes (below). */
const NAMESPACES = ['-n', '-m', '--pid', '--fork', '--kill-child', '--mount-proc'];

const NEEDS = {
  pcscd: existsSync('/usr/sbin/pcscd'),
  'vsmartcard-vpcd (libifdvpcd.so)': existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so'),
  'iproute2 (ip)': onPath('ip') !== undefined,
  'the pcsclite binding, built (libpcsclite-dev, then npm ci)': existsSync(
    join(ROOT, 'node_modules/pcsclite/build/Release/pcsclite.node'),
  ),
  'root, for network, mount and PID namespaces (unshare)': canUnshare(...NAMESPACES),
};

describeWithTools('KTP-el readers on pcscd + vpcd', NEEDS, () => {
  it('reads genuine cards, refuses forged ones and inactive readers, and fails clearly without a card or pcscd', () => {
    // In a PID namespace of its own, whose every process (pcscd, the scenario, the CLI runs)
    // the kernel ends when the namespace's first process does — also after the timeout here.
    const run = spawnSync(
      'unshare',
      [...NAMESPACES, '--propagation', 'private', join(import.meta.dirname, 'pcsc/namespace.sh')],
      { encoding: 'utf8', timeout: 180_000, killSignal: 'SIGKILL' },
    );
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, `${run.stdout}\n${run.stderr}`).toBeDefined();
    const results = JSON.parse((line ?? 'RESULT {}').slice(7)) as Record<
      string,
      | { status?: number; code?: string; name?: string; stdout?: string; stderr?: string }
      | number
      | string[]
    >;

    expect(results['good']).toEqual({ status: 200, code: 'ok', name: 'SITI KENARI RAHAYU' });
    const cli = results['cli'] as { status: number; stdout: string; stderr: string };
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({
      nik: '6474015709900001',
      nama_lengkap: 'SITI KENARI RAHAYU',
      alamat: { rt: '005' },
    });
    expect(results['forged']).toMatchObject({ status: 400, code: 'invalid_card' });
    expect(results['removed']).toMatchObject({ status: 0, code: 'card_removed' });
    expect(results['impostor']).toMatchObject({ status: 403, code: 'reader_proof_invalid' });
    expect(results['expiring']).toMatchObject({ status: 403, code: 'agreement_inactive' });
    expect(results['deactivated']).toMatchObject({ status: 403, code: 'reader_not_active' });
    const down = results['pcscdDown'] as { status: number; stdout: string; stderr: string };
    expect(down.status).toBe(1);
    expect(JSON.parse(down.stderr)).toMatchObject({ error: { code: 'pcsc_unavailable' } });
    expect(down.stderr).not.toMatch(/\n\s+at /);
    expect(results['cardReadsAudited']).toEqual([
      'success:',
      'success:',
      'denied:invalid_card',
      'denied:reader_proof_invalid',
      'denied:agreement_inactive',
    ]);
    expect(results['readerRefusals']).toEqual(['reader_not_active']);
    // With quickack on loopback a whole read (a dozen APDUs, two HTTPS round trips) is quick.
    expect(typeof results['goodMs']).toBe('number');
  }, 200_000);
});
