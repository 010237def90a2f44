// The stages of a correlation turn, in order (no imports: the bench reads the list too).

/**
 * A committed turn's time by stage, in seconds, each from the end of the one before it (they add up
 * to the turn): `open` a connection, BEGIN and the opening statement (company lock, tenant wall);
 * `read` the batch and its rules; `state` the fingerprint states and incidents FOR UPDATE; `decide`
 * the engine; `write` aw_correlation_write; `link` the situation linker; `close` closing finished
 * situations; `commit` the COMMIT answered.
 */
export const TURN_STAGES = ['open', 'read', 'state', 'decide', 'write', 'link', 'close', 'commit'] as const;

export type TurnStages = Record<(typeof TURN_STAGES)[number], number>;
