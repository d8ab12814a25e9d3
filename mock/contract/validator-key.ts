/** The key of a request validator: `createChat body`, `createChat path businessId`. */
export function validatorKey(operationId: string, what: "body" | { in: string; name: string }): string {
  return what === "body" ? `${operationId} body` : `${operationId} ${what.in} ${what.name}`;
}
