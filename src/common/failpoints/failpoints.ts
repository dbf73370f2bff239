/**
 * Named points where a test can make the process die (SIGKILL, as a crash or an OOM kill would), to prove what survives
 * a crash at that moment. Armed only from FAILPOINTS, which configuration refuses in production; unarmed, a point costs
 * one Set lookup.
 */
export type Failpoint =
  | 'idempotency.after-commit' // a write with an Idempotency-Key has committed; the response is not sent yet
  | 'outbox.before-deliver' // the dispatcher is about to hand a batch of committed events to this process's consumers
  | 'attachments.after-bytes' // an upload's bytes are stored; its row does not say so yet
  | 'email.before-import-commit'; // an e-mail's attachments are stored; its ticket or reply is about to commit

const armed = new Set<string>();

export function armFailpoints(names: readonly string[]): void {
  armed.clear();
  for (const name of names) armed.add(name);
}

export function failpoint(name: Failpoint): void {
  if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
