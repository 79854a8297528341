// The tag of a container image reference, as the kubelet's parsers.ParseImageName
// reads it (distribution/reference grammar). Defaulting uses it to choose
// imagePullPolicy: Always for ":latest" or no tag, IfNotPresent otherwise.

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_MAX_LENGTH = 255;

export interface ImageReference {
  name: string;
  tag: string;
  digest: string;
}

/** Parses an image reference; undefined when it is not a valid one. A missing tag and digest means "latest". */
export function parseImageReference(image: string): ImageReference | undefined {
  const match = REFERENCE.exec(image);
  if (match === null) return undefined;
  const name = match[1] ?? '';
  if (name.length > NAME_MAX_LENGTH) return undefined;
  // A bare 64-hex name would be taken for an image ID, which references refuse.
  if (/^[a-f0-9]{64}$/.test(name)) return undefined;
  const tag = match[2] ?? '';
  const digest = match[3] ?? '';
  return { name, tag: tag === '' && digest === '' ? 'latest' : tag, digest };
}

/** The pull policy a container gets when it names none. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  // An unparsable image counts as having no usable tag, so IfNotPresent (upstream ignores the error too).
  const ref = typeof image === 'string' ? parseImageReference(image) : undefined;
  return ref?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
