/** The graphql-ws socket a subscription runs on, in its GraphQL context as `connection`. */
export interface SubscriberConnection {
  /** Closes the socket with a graphql-ws close code: 4401 (credential expired), 4403 (access withdrawn). */
  close(code: number, reason: string): void;
}

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
