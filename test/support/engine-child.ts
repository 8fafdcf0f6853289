import { startDynamoLocal } from '../../infra/local/dynamo.ts';

// A process that owns a DynamoDB Local, for tests of what happens to Java when its parent ends.
const engine = await startDynamoLocal();
console.log(JSON.stringify({ pid: engine.pid }));
process.stdin.on('data', (line) => {
  if (String(line).trim() === 'throw') throw new Error('crash');
});
