// Column descriptions: upstream takes them from the Go types' SwaggerDoc, which
// is the same text as the OpenAPI descriptions, so they are read from there.

import { schemas } from '../openapi/definitions.js';

/** The description of a property of a definition (io.k8s.api.core.v1.PodStatus, podIP), '' when unknown. */
export function fieldDescription(definition: string, property: string): string {
  const properties = schemas[definition]?.properties as Record<string, { description?: unknown }> | undefined;
  const description = properties?.[property]?.description;
  return typeof description === 'string' ? description : '';
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const NAME_DESCRIPTION = fieldDescription(META, 'name');
export const CREATION_TIMESTAMP_DESCRIPTION = fieldDescription(META, 'creationTimestamp');
export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

/** Shorthands for the core/v1, apps/v1, ... definition names. */
export const core = (type: string, property: string): string => fieldDescription(`io.k8s.api.core.v1.${type}`, property);
export const apps = (type: string, property: string): string => fieldDescription(`io.k8s.api.apps.v1.${type}`, property);
export const batch = (type: string, property: string): string => fieldDescription(`io.k8s.api.batch.v1.${type}`, property);
export const group = (groupVersion: string, type: string, property: string): string => fieldDescription(`io.k8s.api.${groupVersion}.${type}`, property);
