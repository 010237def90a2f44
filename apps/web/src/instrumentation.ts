// Next.js calls register() once when a server process starts: build this process's composition
// root and start what its PROCESS_ROLE runs (`web`: nothing in the background; `all`: the
// correlation sweeps and job queue workers too). See src/server/composition.ts.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.DATABASE_URL) {
    const { getRoot } = await import('./server/composition');
    const root = getRoot().start();
    // Alert webhooks on the lean node:http path of server.mjs (src/server/node-intake.ts).
    if (root.runsWeb) (await import('./server/node-intake')).registerNodeIntake(() => root.ingest);
  }
}
