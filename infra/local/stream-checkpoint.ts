import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The last relayed sequence number of each stream shard. */
export type Checkpoint = Record<string, string>;

export interface CheckpointStore {
  read(): Checkpoint;
  write(checkpoint: Checkpoint): void;
}

/** Kept in a file, replaced whole (write then rename), so a crash leaves the old or the new one, never half. */
export const fileCheckpoint = (file: string): CheckpointStore => ({
  read: () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Checkpoint) : {}),
  write(checkpoint) {
    writeFileSync(`${file}.tmp`, JSON.stringify(checkpoint));
    renameSync(`${file}.tmp`, file);
  },
});

/** For a table that lives only as long as the runtime: every run reads its stream from the start. */
export const memoryCheckpoint = (): CheckpointStore => {
  let stored: Checkpoint = {};
  return { read: () => stored, write: (checkpoint) => void (stored = { ...checkpoint }) };
};
