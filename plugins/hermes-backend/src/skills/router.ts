import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  hermesSkillsApprovePermission,
  hermesSkillsUpdatePermission,
  SkillDetails,
  SkillEffect,
  SkillListItem,
} from '@hermes-backstage/plugin-hermes-common';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { parseInput } from '../parseInput';
import { z } from 'zod';
import { SkillEffectSource } from './effects';
import { EntityFindingReader, skillsForEntity } from './forEntity';
import { SkillsService } from './SkillsService';

const saveBody = z.object({
  document: z.string().min(1),
  message: z.string().max(2000).optional(),
});
const rollbackBody = z.object({ version: z.number().int().positive() });
const rejectBody = z.object({ reason: z.string().max(2000).optional() });
const importBody = z.object({
  files: z.array(z.object({ path: z.string(), content: z.string() })).min(1),
});
const versionNumber = z.coerce.number().int().positive();
const diffQuery = z.object({ from: versionNumber, to: versionNumber });
const entityQuery = z.object({ entityRef: z.string().min(1) });

/** The `effect` field of a skill's answer, when there is one. */
function withEffect(
  effects: Map<string, SkillEffect> | undefined,
  name: string,
): { effect?: SkillEffect } {
  const effect = effects?.get(name);
  return effect ? { effect } : {};
}

/** The skills library API, under `/skills`. */
export function createSkillsRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  skills: SkillsService;
  /** Each skill's effect on drift triage; without it the API shows the agent's use only. */
  skillEffects?: SkillEffectSource;
  /** For `/entity-skills`: the entity, read with the caller's credentials. */
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
  /** For `/entity-skills`: the entity's findings (the permission-checked drift service). */
  drift?: EntityFindingReader;
}): express.Router {
  const { httpAuth, permissions, skills, skillEffects, catalog, drift } =
    options;
  const router = Router();

  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });
  /** The caller's user ref, if the permission policy grants them `permission`. */
  const allowed = async (
    req: express.Request,
    permission: BasicPermission,
    refusal: string,
  ) => {
    const credentials = await user(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`${refusal} (permission ${permission.name})`);
    return credentials.principal.userEntityRef;
  };
  const writer = (req: express.Request) =>
    allowed(req, hermesSkillsUpdatePermission, 'You may not change skills');
  const approver = (req: express.Request) =>
    allowed(
      req,
      hermesSkillsApprovePermission,
      'You may not approve, reject or roll back skills',
    );

  router.get('/skills', async (req, res) => {
    const credentials = await user(req);
    const q = typeof req.query.q === 'string' ? req.query.q : undefined;
    const listed = await skills.listSkills({ includeDrafts: true, q });
    // Once for the whole list: a skill is used when the agent loads it or its rules classify.
    const [usage, effects] = await Promise.all([
      skills.usageOf(listed.map(s => s.name)),
      skillEffects?.effects(credentials),
    ]);
    const items: SkillListItem[] = listed.map(s => ({
      ...s,
      usage: usage.get(s.name)!,
      ...withEffect(effects, s.name),
    }));
    res.json({ skills: items });
  });

  // Not under /skills/: "for-entity" is a valid skill name, and /skills/:name would hide it.
  router.get('/entity-skills', async (req, res) => {
    const credentials = await user(req);
    const query = parseInput(entityQuery, req.query, 'entity skills query');
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(query.entityRef));
    } catch (error) {
      throw new InputError(`entityRef: ${(error as Error).message}`);
    }
    if (!catalog || !drift) {
      throw new ServiceUnavailableError(
        'Skills per entity need the catalog and the drift service, which this Hermes backend was started without',
      );
    }
    // 404 for an entity the caller may not read, as the drift findings of the same entity
    // answer: an empty list would read as "no skill applies", and a 403 would confirm that
    // the entity exists.
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}, or you may not read it`);
    }
    const [documents, findings] = await Promise.all([
      skills.listDocuments(),
      drift.listFindings({ credentials, entityRef, state: 'all' }),
    ]);
    res.json(skillsForEntity({ entity, entityRef, documents, findings }));
  });

  router.post('/skills/import', async (req, res) => {
    const by = await writer(req);
    const { files } = parseInput(importBody, req.body, 'import');
    res.status(201).json(await skills.importSkill(files, by));
  });

  router.get('/skills/:name', async (req, res) => {
    const credentials = await user(req);
    const details: SkillDetails = await skills.getSkill(req.params.name);
    const effects = await skillEffects?.effects(credentials);
    res.json({ ...details, ...withEffect(effects, req.params.name) });
  });

  router.put('/skills/:name', async (req, res) => {
    const by = await writer(req);
    const body = parseInput(saveBody, req.body, 'skill');
    res.json(
      await skills.save(body.document, by, {
        name: req.params.name,
        message: body.message,
      }),
    );
  });

  router.delete('/skills/:name', async (req, res) => {
    await writer(req);
    await skills.deleteSkill(req.params.name);
    res.status(204).end();
  });

  router.get('/skills/:name/versions', async (req, res) => {
    await user(req);
    res.json({ versions: await skills.versions(req.params.name) });
  });

  router.get('/skills/:name/versions/:version', async (req, res) => {
    await user(req);
    const version = parseInput(versionNumber, req.params.version, 'version');
    res.json(await skills.getVersion(req.params.name, version));
  });

  router.get('/skills/:name/diff', async (req, res) => {
    await user(req);
    const { from, to } = parseInput(diffQuery, req.query, 'diff request');
    res.json({ from, to, diff: await skills.diff(req.params.name, from, to) });
  });

  router.post('/skills/:name/rollback', async (req, res) => {
    const by = await approver(req);
    const { version } = parseInput(rollbackBody, req.body, 'rollback');
    res.status(201).json(await skills.rollback(req.params.name, version, by));
  });

  router.post('/skills/:name/versions/:version/approve', async (req, res) => {
    const by = await approver(req);
    const version = parseInput(versionNumber, req.params.version, 'version');
    res.json(await skills.approve(req.params.name, version, by));
  });

  router.post('/skills/:name/versions/:version/reject', async (req, res) => {
    const by = await approver(req);
    const version = parseInput(versionNumber, req.params.version, 'version');
    const { reason } = parseInput(rejectBody, req.body, 'rejection');
    res.json(await skills.reject(req.params.name, version, by, reason));
  });

  router.get('/skills/:name/export', async (req, res) => {
    await user(req);
    res.json(await skills.exportSkill(req.params.name));
  });

  return router;
}
