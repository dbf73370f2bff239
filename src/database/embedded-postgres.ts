import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

// Room on the embedded socket server beyond the app's pool: job engine, LISTEN connection, CLI.
const EXTRA_CONNECTIONS = 10;

/**
 * The worker's program, plain CommonJS so that it runs the same from the compiled app and from the TypeScript sources
 * under test: PGlite (with pg_trgm, for the knowledge base's typo-tolerant search) and its socket server, the port
 * posted back once listening, a clean stop on request.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
const { readFileSync } = require('node:fs');
(async () => {
  const db = await PGlite.create({
    ...(workerData.dataDir ? { dataDir: workerData.dataDir } : workerData.template ? { loadDataDir: new Blob([readFileSync(workerData.template)]) } : {}),
    extensions: { pg_trgm },
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.once('message', async () => {
    await server.stop();
    await db.close();
    process.exit(0); // in a worker: ends this thread only
  });
  parentPort.postMessage({ listening: server.getServerConn() });
})().catch((error) => parentPort.postMessage({ failed: error instanceof Error ? error.message : String(error) }));
`;

/**
 * The zero-setup database: PostgreSQL compiled to WASM (PGlite), stored in a folder, served on a loopback socket so
 * the ordinary `pg` driver, TypeORM and their pools work unchanged (typeorm-pglite shares one session across
 * transactions and loses updates; see STACK.md). Transactions are serialized by the socket server.
 *
 * It runs on a worker thread: the database's work (WASM, on one thread) no longer takes turns with the API's requests,
 * and it starts while the app's modules load (see main.ts), instead of after them.
 */
export class EmbeddedPostgres {
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly worker: Worker,
    readonly host: string,
    readonly port: number,
  ) {
    this.exited = once(worker, 'exit');
  }

  /** The app's embedded server: its folder (null → in memory) and room for its pool and the rest. */
  static forApp(database: { dataDir: string | null; poolMax: number; template?: string }): Promise<EmbeddedPostgres> {
    return EmbeddedPostgres.start(database.dataDir, database.poolMax + EXTRA_CONNECTIONS, database.template);
  }

  /**
   * `dataDir` null → in memory (tests), empty or, given `template`, a copy of that data-dir dump (initdb alone takes
   * seconds). `maxConnections` must cover every pool that connects.
   */
  static async start(dataDir: string | null, maxConnections: number, template?: string): Promise<EmbeddedPostgres> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dataDir, maxConnections, template } });
    const [reply] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([error]) => [{ failed: (error as Error).message }]),
    ])) as [{ listening?: string; failed?: string }];
    if (!reply.listening) {
      await worker.terminate();
      throw new Error(`The embedded database did not start: ${reply.failed}`);
    }
    const [host, port] = reply.listening.split(':');
    return new EmbeddedPostgres(worker, host, Number(port));
  }

  /** Stops the server and closes the database (its files complete), then the thread ends. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await this.exited;
  }
}
