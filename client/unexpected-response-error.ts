/**
 * The error for an answer the contract does not describe.
 */

// Enough of the body to recognise it (an HTML error page, a proxy message) in a log line.
const BODY_EXCERPT_LENGTH = 200;

/**
 * Thrown by createChat when the answer is outside the contract: a status it does not declare, a
 * body that is not JSON or not the declared shape, or a 200 without its quota headers. Returning
 * such an answer as a typed result would promise fields that are not there.
 *
 * @example
 * try {
 *   await createChat(client, 1001, { context: { type: "ORDER", id: 11001 } });
 * } catch (error) {
 *   if (error instanceof UnexpectedResponseError) console.error(error.status, error.bodyText);
 *   else throw error;
 * }
 */
export class UnexpectedResponseError extends Error {
  override readonly name = "UnexpectedResponseError";
  /** HTTP status of the answer. */
  readonly status: number;
  /** The answer's body as text (re-serialised when openapi-fetch had already parsed it as JSON). */
  readonly bodyText: string;

  constructor(status: number, reason: string, bodyText: string) {
    const excerpt =
      bodyText.length > BODY_EXCERPT_LENGTH ? `${bodyText.slice(0, BODY_EXCERPT_LENGTH)}...` : bodyText;
    super(`Unexpected createChat response: HTTP ${status}: ${reason}; body: ${JSON.stringify(excerpt)}`);
    this.status = status;
    this.bodyText = bodyText;
  }
}
