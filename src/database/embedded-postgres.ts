import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The zero-setup database: PostgreSQL compiled to WASM (PGlite), stored in a folder, served on a loopback socket so
 * the ordinary `pg` driver, TypeORM and their pools work unchanged (typeorm-pglite shares one session across
 * transactions and loses updates; see STACK.md). Transactions are serialized by the socket server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly host: string,
    readonly port: number,
  ) {}

  /** `dataDir` null → in memory (tests). `maxConnections` must cover every pool that connects. */
  static async start(dataDir: string | null, maxConnections: number): Promise<EmbeddedPostgres> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir ? { dataDir } : undefined);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    return new EmbeddedPostgres(db, server, host, Number(port));
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
