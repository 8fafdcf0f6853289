import { App } from 'aws-cdk-lib';
import { addNagChecks } from './aws/nag.ts';
import { readSettings } from './aws/settings.ts';
import { RapportStack } from './stack.ts';

const app = new App();
const settings = readSettings(app.node);
// No env: the stack is environment-agnostic, so synth needs no credentials and does no lookups.
new RapportStack(app, `Rapport-${settings.stage}`, { settings, description: `Rapport CRM backend (${settings.stage})` });
addNagChecks(app);
app.synth();
