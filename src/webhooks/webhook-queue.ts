/** The job that makes one attempt of a delivery; `attempt` is its number, so a job that lost a race does nothing. */
export const DELIVER_QUEUE = 'webhook.deliver';
export const CLEANUP_QUEUE = 'webhook.cleanup';
export interface DeliverJob {
  deliveryId: string;
  attempt: number;
}
