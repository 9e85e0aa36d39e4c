/**
 * A tiny static server for the browser test: the repository root on 127.0.0.1 at a free port,
 * cross-origin isolated (COOP same-origin + COEP require-corp), which shared WebAssembly memory
 * needs. A request for `/test/browser/NAME.js` whose file does not exist is answered with
 * `test/browser/NAME.ts` transpiled by TypeScript, so the page's helpers stay typed source.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import ts from 'typescript';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.el': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.tsv': 'text/plain; charset=utf-8',
  '.mtx': 'text/plain; charset=utf-8',
  '.graph': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT`, no trailing slash */
  origin: string;
  /** every path requested, with its status, for messages when something is missing */
  log: string[];
  close(): Promise<void>;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function respond(root: string, request: IncomingMessage, response: ServerResponse): Promise<number> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const relative = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
  const path = join(root, relative);
  if (request.method !== 'GET' || relative.startsWith('..') || !(path === root || path.startsWith(root + sep))) {
    response.writeHead(404, ISOLATION_HEADERS).end();
    return 404;
  }
  if (await fileExists(path)) {
    response.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': MIME_TYPES[extname(path)] ?? 'application/octet-stream' });
    response.end(await readFile(path));
    return 200;
  }
  const source = path.replace(/\.js$/, '.ts');
  if (relative.startsWith(join('test', 'browser') + sep) && source !== path && (await fileExists(source))) {
    const output = ts.transpileModule(await readFile(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: source,
    });
    response.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': MIME_TYPES['.js']! });
    response.end(output.outputText);
    return 200;
  }
  response.writeHead(404, ISOLATION_HEADERS).end();
  return 404;
}

export async function startStaticServer(directory: string): Promise<StaticServer> {
  const root = resolve(directory);
  const log: string[] = [];
  const server = createServer((request, response) => {
    respond(root, request, response).then(
      (status) => log.push(`${status} ${request.url}`),
      (error: unknown) => {
        log.push(`500 ${request.url}: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500, ISOLATION_HEADERS);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        // keep-alive connections from the browser would hold close() open
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
