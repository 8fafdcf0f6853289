import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** Where relayed domain events go: EventBridge on AWS, the local bus in the embedded runtime. */
export interface Bus {
  /** Publishes entries; returns the indexes that failed. */
  publish(entries: PutEventsRequestEntry[]): Promise<number[]>;
}

const eventBridgeBus = (): Bus => {
  const client = new EventBridgeClient({});
  return {
    async publish(entries) {
      const failed: number[] = [];
      for (let i = 0; i < entries.length; i += 10) {
        const out = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
        out.Entries?.forEach((e, j) => {
          if (e.ErrorCode) failed.push(i + j);
        });
      }
      return failed;
    },
  };
};

let current: Bus | undefined;
export const bus = (): Bus => (current ??= eventBridgeBus());
export const useBus = (b: Bus) => {
  current = b;
};
