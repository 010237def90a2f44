import type http from 'node:http';

export declare const HEADERS_TIMEOUT_MS: number;
export declare const REQUEST_TIMEOUT_MS: number;
export declare function createHttpServer(opts?: {
  headersTimeout?: number;
  requestTimeout?: number;
  keepAliveTimeout?: number;
}): http.Server;
