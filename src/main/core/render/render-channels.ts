import { channel } from '../channel';
import { previewRender } from './render-service';
import { PreviewRenderInput } from '../../../shared/schemas/prompts';

/** The render area's contract channels: each one's input schema, handler and (inferred) output, declared once. */
export const RENDER_CHANNELS = {
  'render:preview': channel(PreviewRenderInput, (_ctx, input) => previewRender(input)),
};
