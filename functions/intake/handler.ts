import { httpHandler } from '../../shared/http/handler.ts';
import { intakePorts, mailRouting } from './ports.ts';
import { intakeRepository } from './repository.ts';
import { intakeRoutes } from './routes.ts';
import { intakeService } from './service.ts';

export const handler = httpHandler(intakeRoutes, intakeService(intakeRepository, intakePorts, mailRouting));
