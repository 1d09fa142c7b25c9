/**
 * The commands that run and check an instance: the demo, the gateway, the simulator, the
 * configuration check, the container healthcheck and the doctor.
 */
import { group, leaf, type CommandGroup, type LeafCommand } from '../command.ts';

export const DEMO_COMMAND: LeafCommand = leaf({
  name: 'demo',
  synopsis: '',
  summary: 'first start creates a demo instance; then runs the simulator and the gateway',
  details:
    "GERBANG_PORT and GERBANG_SIM_PORT set the ports of the gateway and the simulator (0: any free\nport), GERBANG_HOST the gateway's address (0.0.0.0 in a container).",
  options: {},
  run: async () => (await import('../run.ts')).demoCommand(),
});

export const SERVE_COMMAND: LeafCommand = leaf({
  name: 'serve',
  synopsis: '',
  summary: 'run the gateway of the configured instance',
  details:
    'GERBANG_HOST and GERBANG_PORT override server.host and server.port; GERBANG_SIM_PORT the port of\nupstream.baseUrl.',
  options: {},
  run: async () => (await import('../run.ts')).serveCommand(),
});

export const SIM_COMMAND: LeafCommand = leaf({
  name: 'sim',
  synopsis: '[--port N]',
  summary: "run the Dukcapil simulator with the instance's upstream credentials",
  details: '--port defaults to GERBANG_SIM_PORT, else the port of upstream.baseUrl.',
  options: { port: { type: 'string' } },
  run: async (values) => (await import('../run.ts')).simCommand(values),
});

export const CONFIG_COMMANDS: CommandGroup = group('config', 'the configuration file', [
  leaf({
    name: 'check',
    synopsis: '',
    summary: 'validate the configuration and the permissions of its secret files',
    options: {},
    run: async () => (await import('../run.ts')).configCheckCommand(),
  }),
]);

export const HEALTH_COMMAND: LeafCommand = leaf({
  name: 'health',
  synopsis: '',
  summary: 'liveness for container healthchecks: a TLS handshake with the local gateway',
  details:
    'The gateway must present its configured certificate; no request is sent, nothing is audited.\nIt is looked for at GERBANG_HOST/GERBANG_PORT, else server.host/port (0.0.0.0 and :: mean 127.0.0.1).',
  options: {},
  run: async () => (await import('../health.ts')).healthCommand(),
});

export const DOCTOR_COMMAND: LeafCommand = leaf({
  name: 'doctor',
  synopsis: '[--json] [--credentials DIR]',
  summary:
    'check an instance: configuration, key modes, certificates, clock, gateway, upstream, SIEM,\ndisk space, agreement; exits 1 on a failure',
  details:
    "--credentials DIR   where credential:NAME secrets are, when not run by systemd\n                    (the directory the unit's LoadCredential= lines read from)\n--json              the verdict and every check as JSON",
  options: { json: { type: 'boolean' }, credentials: { type: 'string' } },
  run: async (values) => (await import('../doctor/command.ts')).doctorCommand(values),
});
