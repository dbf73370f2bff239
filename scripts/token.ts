import jwt from 'jsonwebtoken';
import { resolveJwtSecret } from '../src/auth/jwt-secret.js';
import { ROLES, type Role } from '../src/actor/actor.js';
import { AppConfig } from '../src/config/app-config.js';
import { ConfigError } from '../src/config/env.validation.js';

// Mints a test JWT signed with the server's secret: npm run -s token -- [--role admin|agent|customer] [--sub id]
// [--name "Ann"] [--email a@b.c] [--org acme] [--ttl 3600]
function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const role = (args.role ?? 'admin') as Role;
  if (!ROLES.includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(', ')}`);
  const ttl = Number(args.ttl ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new ConfigError('--ttl must be a positive number of seconds');
  const claims = { role, name: args.name, email: args.email, org: args.org };
  const token = jwt.sign(claims, resolveJwtSecret(AppConfig.fromEnv()), {
    algorithm: 'HS256',
    subject: args.sub ?? `dev-${role}`,
    expiresIn: ttl,
  });
  process.stdout.write(`${token}\n`);
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!name.startsWith('--') || argv[i + 1] === undefined) throw new ConfigError(`unexpected argument ${name}`);
    out[name.slice(2)] = argv[i + 1];
  }
  return out;
}

try {
  main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
