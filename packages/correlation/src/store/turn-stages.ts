// The stages of a correlation turn, in order (no imports: the bench reads the list too).

/**
 * A committed turn's time by stage, in seconds, each from the end of the one before it (they add up
 * to the turn): `open` a connection, BEGIN and the opening statement (company lock, tenant wall);
 * `read` the batch and its rules; `state` the fingerprint states and incidents FOR UPDATE; `decide`
 * the engine; `link` the situation linker's read and decisions; `write` the turn's writes, the
 * linker's included (aw_turn_write, or aw_correlation_write when nothing gained entity keys); `close`
 * closing finished situations; `commit` the COMMIT answered. Until migration
 * 20261203150000_turn_write_links_before the linker ran after the write and `link` held its writes.
 */
export const TURN_STAGES = ['open', 'read', 'state', 'decide', 'link', 'write', 'close', 'commit'] as const;

export type TurnStages = Record<(typeof TURN_STAGES)[number], number>;
