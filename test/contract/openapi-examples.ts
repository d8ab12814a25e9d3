/**
 * Every example openapi.yaml carries, with the schema it must satisfy: media-type `example` and
 * named `examples`, parameter and header examples, and `example` on any schema or property.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { SchemaObject } from "../../mock/contract/load-contract.js";

export interface DocumentExample {
  /** JSON pointer of the example's value in the document, e.g. `/components/responses/NotFound/content/application~1json/examples/orderNotFound/value`. */
  pointer: string;
  value: unknown;
  /** The schema the value must satisfy (its `$ref`s point into the document's components). */
  schema: SchemaObject;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Walks the whole document. A node with `schema` (a parameter, header or media type) holds
 * examples of that schema; any other node with `example` is a schema, and its example must
 * satisfy that very schema. Example values are not walked into.
 */
export function findDocumentExamples(documentPath: string): DocumentExample[] {
  const doc: unknown = parse(readFileSync(documentPath, "utf8"));
  const found: DocumentExample[] = [];
  const resolveRef = (node: Node): Node => {
    if (typeof node.$ref !== "string") return node;
    const target = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((acc, key) => (isNode(acc) ? acc[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), doc);
    if (!isNode(target)) throw new Error(`unresolved $ref ${node.$ref}`);
    return target;
  };

  const walk = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${pointer}/${i}`));
      return;
    }
    if (!isNode(node)) return;
    const schema = isNode(node.schema) ? node.schema : undefined;
    if ("example" in node) found.push({ pointer: `${pointer}/example`, value: node.example, schema: schema ?? node });
    if (schema && isNode(node.examples)) {
      for (const [name, example] of Object.entries(node.examples)) {
        if (!isNode(example)) continue;
        found.push({ pointer: `${pointer}/examples/${escape(name)}/value`, value: resolveRef(example).value, schema });
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "example" || (key === "examples" && schema)) continue;
      walk(child, `${pointer}/${escape(key)}`);
    }
  };
  walk(doc, "");
  return found;
}
