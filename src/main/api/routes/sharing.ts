import { pathParam, route } from '../route';
import { parseWith } from '../body';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { AddShareInput, RemoveShareInput, SetSharingLevelInput } from '../../../shared/schemas/sharing';
import { addShare, getSharing, removeShare, setSharingLevel } from '../../core/sharing/sharing-service';
import { ERRORS, WRITE_ERRORS } from './responses';

/** `/api/v1/prompts/{name}/sharing` and `/shares`: level and shares with named members. */
export const SHARING_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/sharing',
    summary: 'Sharing level and shares',
    tag: 'sharing',
    scopes: ['read'],
    responses: { 200: 'Sharing', ...ERRORS },
    handler: (c) => c.json(getSharing(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')))),
  }),
  route({
    method: 'put',
    path: '/api/v1/prompts/{name}/sharing',
    summary: 'Set the sharing level (409 naming `level` when an admin requires the readiness checklist before widening access and items are open)',
    tag: 'sharing',
    scopes: ['write'],
    body: SetSharingLevelInput,
    bodyFromPath: { name: pathParam('name') },
    responses: { 200: 'Sharing', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(setSharingLevel(c.get('ctx'), await body())),
  }),
  route({
    method: 'post',
    path: '/api/v1/prompts/{name}/shares',
    summary: 'Share with a member (view, run or edit)',
    tag: 'sharing',
    scopes: ['write'],
    body: AddShareInput,
    bodyFromPath: { name: pathParam('name') },
    responses: { 201: 'Sharing', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(addShare(c.get('ctx'), await body()), 201),
  }),
  route({
    method: 'delete',
    path: '/api/v1/prompts/{name}/shares/{userId}',
    summary: 'Remove a share',
    tag: 'sharing',
    scopes: ['write'],
    responses: { 200: 'Sharing', ...WRITE_ERRORS },
    handler: (c) => c.json(removeShare(c.get('ctx'), parseWith(RemoveShareInput, { name: c.req.param('name'), userId: c.req.param('userId') }))),
  }),
];
