/**
 * The event envelope of DESIGN §5: id (UUIDv7), type, version, occurredAt, producer, key,
 * traceId, data. Envelopes are validated against the envelope schema and the data schema of
 * their type on both sides: before publish (a bug stops here, not at every consumer) and on
 * consume (nothing malformed reaches a handler).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { uuidv7 } from '@cascade/ids';
import { currentTraceId, newTraceId } from '@cascade/logging';

// ajv-formats is CommonJS; under ESM its default export is nested one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export interface Envelope<D = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  producer: string;
  key: string;
  traceId: string;
  data: D;
}

export const envelopeSizeBytesMax = 1_000_000;

const envelopeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'version', 'occurredAt', 'producer', 'key', 'traceId', 'data'],
  properties: {
    id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' },
    type: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9.]{0,99}$' },
    version: { type: 'integer', minimum: 1, maximum: 1000 },
    occurredAt: { type: 'string', format: 'date-time' },
    producer: { type: 'string', minLength: 1, maxLength: 100 },
    key: { type: 'string', minLength: 1, maxLength: 200 },
    traceId: { type: 'string', pattern: '^[A-Za-z0-9-]{8,64}$' },
    data: { type: 'object' },
  },
} as const;

/** Why a message is not a valid event, in words a dead-letter entry can be filtered by. */
export type InvalidEventReason = 'empty' | 'tooLarge' | 'notJson' | 'duplicateKeys' | 'notAnEnvelope' | 'factSignatureInvalid';

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly errors: unknown,
    readonly reason: InvalidEventReason = 'notAnEnvelope',
  ) {
    super(message);
    this.name = 'EventValidationError';
  }
}

export interface DecodeOptions {
  /**
   * A JSON parser that refuses duplicate member names (throwing an error whose message says
   * "duplicate"). JSON.parse keeps the last of duplicates silently, so a consumer of signed
   * content must not use it: the bytes signed and the object decided would differ.
   */
  parseJson?: (text: string) => unknown;
}

export interface EventTypeSpec {
  type: string;
  version: number;
  /** JSON Schema (draft 2020-12) of `data`. */
  schema: Record<string, unknown>;
}

/**
 * The set of event types a producer may publish or a consumer accepts, each with the schema of
 * its data. A consumer that meets a type it does not know refuses it (it is logged and skipped
 * by the caller), so a producer cannot smuggle unvalidated data past a schema.
 */
export class EventCatalog {
  private readonly ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  private readonly validateEnvelope: ValidateFunction;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(specs: EventTypeSpec[] = []) {
    this.validateEnvelope = this.ajv.compile(envelopeSchema);
    for (const spec of specs) this.register(spec);
  }

  register(spec: EventTypeSpec): this {
    const id = `${spec.type}@${spec.version}`;
    if (this.validators.has(id)) throw new Error(`event type ${id} registered twice`);
    this.validators.set(id, this.ajv.compile(spec.schema));
    return this;
  }

  knowsType(type: string): boolean {
    for (const id of this.validators.keys()) if (id.startsWith(`${type}@`)) return true;
    return false;
  }

  knows(type: string, version: number): boolean {
    return this.validators.has(`${type}@${version}`);
  }

  /** Throws EventValidationError unless the envelope and its data are valid. */
  assertValid(envelope: unknown): asserts envelope is Envelope {
    if (!this.validateEnvelope(envelope)) {
      throw new EventValidationError(`invalid envelope: ${this.ajv.errorsText(this.validateEnvelope.errors)}`, this.validateEnvelope.errors);
    }
    const e = envelope as Envelope;
    const validate = this.validators.get(`${e.type}@${e.version}`);
    if (!validate) throw new EventValidationError(`unknown event type ${e.type}@${e.version}`, null);
    if (!validate(e.data)) {
      throw new EventValidationError(`invalid ${e.type}@${e.version} data: ${this.ajv.errorsText(validate.errors)}`, validate.errors);
    }
  }
}

export interface NewEvent<D> {
  type: string;
  version?: number;
  key: string;
  data: D;
  /** Injected time; defaults to the wall clock. */
  occurredAt?: Date;
}

export function makeEnvelope<D>(producer: string, event: NewEvent<D>): Envelope<D> {
  return {
    id: uuidv7(),
    type: event.type,
    version: event.version ?? 1,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    producer,
    key: event.key,
    traceId: currentTraceId() ?? newTraceId(),
    data: event.data,
  };
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (bytes.length > envelopeSizeBytesMax) {
    throw new EventValidationError(`envelope ${envelope.id} is ${bytes.length} bytes, over ${envelopeSizeBytesMax}`, null);
  }
  return bytes;
}

export function decodeEnvelope(bytes: Buffer | null, catalog: EventCatalog, options: DecodeOptions = {}): Envelope {
  if (bytes === null || bytes.length === 0) throw new EventValidationError('empty message', null, 'empty');
  if (bytes.length > envelopeSizeBytesMax) throw new EventValidationError(`message of ${bytes.length} bytes is over the limit of ${envelopeSizeBytesMax}`, null, 'tooLarge');
  let parsed: unknown;
  try {
    parsed = (options.parseJson ?? JSON.parse)(bytes.toString('utf8'));
  } catch (error) {
    const message = (error as Error).message;
    if (/duplicate/i.test(message)) throw new EventValidationError(`message has ${message}`, null, 'duplicateKeys');
    throw new EventValidationError('message is not JSON', null, 'notJson');
  }
  catalog.assertValid(parsed);
  return parsed;
}
