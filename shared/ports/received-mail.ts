import { config } from '../config.ts';

/** Where SES's S3 action puts a received message: the rule's prefix and SES's message id. */
export const receivedMailPrefix = 'inbound/';
export const receivedMailKey = (sesMessageId: string) => `${receivedMailPrefix}${sesMessageId}`;

/** Raw received mail by key: the SES bucket on AWS, memory in the embedded runtime. */
export interface ReceivedMail {
  get(key: string): Promise<Uint8Array | undefined>;
}

const s3Mail = (): ReceivedMail => {
  // Loaded on first use: only the inbound email function reads mail.
  const client = import('@aws-sdk/client-s3').then((s3) => ({ s3, client: new s3.S3Client({}) }));
  return {
    async get(key) {
      const bucket = config.INBOUND_EMAIL_BUCKET;
      if (!bucket) throw new Error('INBOUND_EMAIL_BUCKET must be set to read received mail');
      const { s3, client: c } = await client;
      try {
        const out = await c.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : undefined;
      } catch (error) {
        if (error instanceof s3.NoSuchKey) return undefined;
        throw error;
      }
    },
  };
};

/** Received mail in memory: what the embedded runtime's POST /dev/inbound-email stores before it hands SES's event on. */
export const memoryReceivedMail = () => {
  const stored = new Map<string, Uint8Array>();
  return {
    get: async (key: string) => stored.get(key),
    put: (key: string, raw: Uint8Array) => void stored.set(key, raw),
    delete: (key: string) => void stored.delete(key),
  };
};

let current: ReceivedMail | undefined;
export const receivedMail = (): ReceivedMail => (current ??= s3Mail());
export const useReceivedMail = (mail: ReceivedMail) => {
  current = mail;
};
