import { SetMetadata } from '@nestjs/common';
import { RAW_RESPONSE } from './envelope';

/** The handler writes its own response shape (HTML pages, Canvas Kit, webhooks). */
export const RawResponse = () => SetMetadata(RAW_RESPONSE, true);
