/** Route metadata of @Idempotent: how the route's write result becomes the response stored for replay. */
export const IDEMPOTENT_RESPONSE = 'tierdesk:idempotent-response';
/** Route metadata of @IdempotentInService: the service applies the key itself. */
export const IDEMPOTENT_IN_SERVICE = 'tierdesk:idempotent-in-service';
