// Debian's nginx (/usr/sbin/nginx, installed by .ci/run) in front of an onair, for the
// delivery journey and bench:delivery: deploy/nginx/onair.conf — the file we ship — with
// its @…@ values filled in, inside a minimal main config of the test's own (temp prefix,
// no daemon, logs in the temp folder). stop() ends it and waits for its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHIPPED_CONF = path.join(ROOT, 'deploy/nginx/onair.conf');
export const NGINX = process.env['ONAIR_NGINX'] ?? '/usr/sbin/nginx';

export interface NginxOptions {
  /** onair web nodes, as host:port. */
  upstreams: string[];
  /** onair's data folder (nginx serves <data>/hls). */
  dataDir: string;
  /** Worker processes. @defaultValue 1 */
  workers?: number;
}

export interface Nginx {
  url: string;
  port: number;
  /** The error log, for failure messages. */
  errorLog(): string;
  stop(): Promise<void>;
}

/** The shipped configuration with its placeholders filled in. */
export function renderShippedConf(o: { upstreams: string[]; listen: string; dataDir: string }): string {
  const values: Record<string, string> = {
    ONAIR_WEB: o.upstreams.map((u) => `server ${u};`).join('\n    '),
    LISTEN: o.listen,
    DATA_DIR: o.dataDir,
  };
  const out = fs
    .readFileSync(SHIPPED_CONF, 'utf8')
    .split('\n')
    .map((line) => (/^\s*#/.test(line) ? line : line.replace(/@([A-Z_]+)@/g, (m, name: string) => values[name] ?? m)))
    .join('\n');
  if (/^[^#]*@[A-Z_]+@/m.test(out)) throw new Error('deploy/nginx/onair.conf has a placeholder the test does not fill');
  return out;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'onair-nginx-'));
  const port = await freePort();
  fs.writeFileSync(path.join(prefix, 'onair.conf'), renderShippedConf({ upstreams: options.upstreams, listen: `127.0.0.1:${port}`, dataDir: options.dataDir }));
  const errorLog = path.join(prefix, 'error.log');
  // Workers run as root here: the test's data folder is private to the user running the tests.
  fs.writeFileSync(
    path.join(prefix, 'nginx.conf'),
    [
      `${process.getuid?.() === 0 ? 'user root;' : ''}`,
      'daemon off;',
      `worker_processes ${options.workers ?? 1};`,
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${errorLog} warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  default_type application/octet-stream;',
      '  sendfile on;',
      `  client_body_temp_path ${prefix}/body;`,
      `  proxy_temp_path ${prefix}/proxy;`,
      `  fastcgi_temp_path ${prefix}/fastcgi;`,
      `  uwsgi_temp_path ${prefix}/uwsgi;`,
      `  scgi_temp_path ${prefix}/scgi;`,
      `  include ${path.join(prefix, 'onair.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  // nginx says nothing when it is ready: wait for its port (or its exit, with the reason).
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited (${child.exitCode}): ${stderr}${fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : ''}`);
    }
    if (await portOpen(port)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errorLog: () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        await exited;
      }
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}
