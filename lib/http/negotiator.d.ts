// negotiator 1.x; @types/negotiator describes 0.6, whose encodings() takes no preferred order.
declare module 'negotiator' {
  import type { IncomingMessage } from 'node:http';

  export default class Negotiator {
    constructor(request: Pick<IncomingMessage, 'headers'>);
    /** The available encodings the client accepts, best first; `preferred` breaks ties of equal quality. */
    encodings(available?: string[], options?: { preferred?: string[] }): string[];
  }
}
