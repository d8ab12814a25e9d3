/**
 * Spectral custom function: a response must describe its body with one named schema, by `$ref`.
 *
 * Core functions cannot express this: on the resolved document the `$ref` is gone (only the
 * schema's shape is left, and a copy of the shape is not the shared schema), and on the
 * unresolved document they cannot follow a response `$ref` to the component it names. This
 * function does both on the unresolved document: it follows local `$ref`s of the response
 * (e.g. `#/components/responses/NotFound`) and then requires every media type's `schema` to be
 * exactly `{ $ref: <schemaRef> }`.
 *
 * Use with `resolved: false`, on response objects (e.g. the 4xx/5xx responses of operations).
 *
 * @param {unknown} response the response as written: inline, or a `$ref` to a response component.
 * @param {{ schemaRef: string }} options `schemaRef`: the required schema reference, no default
 *   (e.g. `#/components/schemas/ErrorResponse`).
 * @param {{ document: { data: unknown }, path: Array<string | number> }} context Spectral's
 *   function context; `document.data` is the unresolved document, `path` the response's path.
 * @returns {Array<{ message: string, path: Array<string | number> }>} one result per problem,
 *   reported at the response as the operation lists it (the `$ref` chain is named in the message).
 */
export default function responseUsesSchemaRef(response, options, context) {
  const schemaRef = options?.schemaRef;
  if (typeof schemaRef !== "string" || schemaRef === "") {
    throw new TypeError('responseUsesSchemaRef needs the option "schemaRef" (a non-empty string)');
  }
  const at = context.path;
  const followed = followLocalRefs(response, context.document.data);
  if ("problem" in followed) return [{ message: followed.problem, path: at }];

  const via = followed.chain.length > 0 ? ` (via ${followed.chain.join(" -> ")})` : "";
  const content = isObject(followed.target) ? followed.target.content : undefined;
  if (!isObject(content) || Object.keys(content).length === 0) {
    return [{ message: `Response has no content${via}; its body must use ${schemaRef}.`, path: at }];
  }
  const results = [];
  for (const [mediaType, media] of Object.entries(content)) {
    const schema = isObject(media) ? media.schema : undefined;
    const actual = isObject(schema) && typeof schema.$ref === "string" ? schema.$ref : undefined;
    if (actual === schemaRef) continue;
    const found = actual === undefined ? "an inline or missing schema" : actual;
    results.push({
      message: `Media type ${mediaType}${via} uses ${found}; it must be { $ref: ${schemaRef} }.`,
      // A problem inside a component is reported where the operation uses it: that is the
      // answer that breaks the convention, and the message names the component to fix.
      path: followed.chain.length > 0 ? at : [...at, "content", mediaType, "schema"],
    });
  }
  return results;
}

/** How many `$ref` hops to follow before calling it a loop. */
const MAX_HOPS = 16;

/**
 * Follows a chain of local `$ref`s (`#/...`) from `node` inside `root`.
 * @param {unknown} node
 * @param {unknown} root
 * @returns {{ target: unknown, chain: string[] } | { problem: string }}
 */
function followLocalRefs(node, root) {
  const chain = [];
  let current = node;
  while (isObject(current) && typeof current.$ref === "string") {
    const ref = current.$ref;
    if (!ref.startsWith("#")) {
      return { problem: `Cannot check the response behind the non-local $ref ${ref}; use a #/components/responses/ reference.` };
    }
    if (chain.length >= MAX_HOPS || chain.includes(ref)) {
      return { problem: `The $ref chain ${[...chain, ref].join(" -> ")} does not end.` };
    }
    chain.push(ref);
    current = readPointer(root, ref.slice(1));
    if (current === undefined) return { problem: `$ref ${ref} points at nothing.` };
  }
  return { target: current, chain };
}

/**
 * Reads a JSON pointer (RFC 6901, as used in a URI fragment, so percent-decoded first).
 * @param {unknown} root
 * @param {string} pointer e.g. `/components/responses/NotFound`
 * @returns {unknown} the value, or undefined when there is none
 */
function readPointer(root, pointer) {
  if (pointer === "") return root;
  let value = root;
  for (const raw of decodeURIComponent(pointer).split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null;
}
