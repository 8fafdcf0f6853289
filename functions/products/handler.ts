import { httpHandler } from '../../shared/http/handler.ts';
import { productRepository } from './repository.ts';
import { productRoutes } from './routes.ts';
import { productService } from './service.ts';

export const handler = httpHandler(productRoutes, productService(productRepository));
