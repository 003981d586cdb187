import { z } from 'zod';
import type { RouteSpec } from './route.js';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly spec: RouteSpec<unknown, unknown, unknown>;
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const minPositionHeader = {
  name: 'X-Min-Position',
  in: 'header',
  required: false,
  description:
    "Answer only once the read model has applied the log up to this position (a command answer's `position`); 503 after 5 s.",
  schema: { type: 'string', pattern: '^\\d+(/\\d+)?$' },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** Collects the routes as they are mounted and renders an OpenAPI 3.1 document from their schemas. */
export class OpenApiRegistry {
  private readonly operations: Operation[] = [];

  add<B, Q, P>(spec: RouteSpec<B, Q, P>): void {
    this.operations.push({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      spec: spec as unknown as RouteSpec<unknown, unknown, unknown>,
    });
  }

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, spec } of this.operations) {
      const parameters = [
        ...objectParameters(spec.params, 'path'),
        ...objectParameters(spec.query, 'query'),
        ...(spec.readModel ? [minPositionHeader] : []),
      ];
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(spec.responses)) {
        responses[status] = {
          description: response.description,
          ...(response.schema
            ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }
            : {}),
        };
      }
      responses.default = {
        description: 'An error (RFC 9457 problem details)',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      };
      (paths[path] ??= {})[method] = {
        summary: spec.summary,
        tags: [spec.tag],
        ...(spec.access === 'anyone' ? { security: [] } : {}),
        ...(Array.isArray(spec.access) ? { 'x-roles': spec.access } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(spec.body
          ? {
              requestBody: {
                required: !spec.body.safeParse({}).success,
                content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        schemas: { Problem: problemSchema },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    };
  }
}

function objectParameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}
