import { Duration } from 'aws-cdk-lib';
import { type Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { eventSource } from '../../shared/events/catalog.ts';
import { isProd, type StackSettings } from './settings.ts';

/** The Rapport event bus, with an archive of every domain event so consumers can be replayed. */
export class RapportEventBus extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;

  constructor(scope: Construct, id: string, settings: Pick<StackSettings, 'stage'>) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: `rapport-${settings.stage}` });
    this.archive = this.bus.archive('Archive', {
      description: `Domain events of rapport-${settings.stage}, for replay`,
      eventPattern: { source: [eventSource] },
      retention: isProd(settings) ? Duration.days(365) : Duration.days(30),
    });
  }
}
