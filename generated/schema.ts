/**
 * GENERATED FILE: do not edit by hand.
 * Made by openapi-typescript from openapi.yaml; run `npm run generate` after changing the contract.
 * test/generated-types-drift.test.ts fails when this file and openapi.yaml disagree.
 */

export interface paths {
    "/v2/businesses/{businessId}/chats/new": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a chat with a customer about an order or a return
         * @description Creates a chat with the customer of an order or a return and returns its id.
         *
         *     Rules a caller needs:
         *
         *     * A chat about an order (`context.type: ORDER`) can be opened for every store model
         *       (FBY, FBS, Express and DBS).
         *     * A chat about a return (`context.type: RETURN`) can be opened only for FBY, FBS and
         *       Express stores; a DBS business gets `400`.
         *     * The call is idempotent per context: asking again for the same order or return of the
         *       same business returns the chat created the first time, with the same `chatId`.
         *     * `orderId` is the deprecated form of `{"context": {"type": "ORDER", "id": <orderId>}}`
         *       and names the same chat. Sending both is allowed only when they name the same order.
         *     * An order or return that the business does not have gives `404`.
         *     * The method needs an API-Key token with one of the scopes in `x-auth-scopes`
         *       (`communication` or `all-methods`), or the deprecated OAuth token.
         *     * Quota: 1,000 requests per hour per business (`x-rate-limit`). Every counted answer
         *       carries the `X-RateLimit-Resource-*` headers; past the quota the answer is `420` until
         *       the window ends. At most 4 requests of one business may be in flight at once; a fifth
         *       gets `420` as well.
         */
        post: operations["createChat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Format: int64
         * @description Id of the seller's cabinet (business).
         * @example 1001
         */
        BusinessId: number;
        /**
         * Format: int64
         * @description Id of a chat.
         * @example 7340001
         */
        ChatId: number;
        /**
         * @description What the chat is about:
         *
         *     * `ORDER`: an order (every store model).
         *     * `RETURN`: a return (FBY, FBS and Express only).
         * @example ORDER
         * @enum {string}
         */
        ChatContextType: "ORDER" | "RETURN";
        /**
         * @description The order or return the chat is about.
         * @example {
         *       "type": "ORDER",
         *       "id": 11001
         *     }
         */
        ChatContext: {
            type: components["schemas"]["ChatContextType"];
            /**
             * Format: int64
             * @description Id of the order or of the return, as `type` says.
             * @example 11001
             */
            id: number;
        };
        /**
         * @description What the chat is about. Send `context`; `orderId` is its deprecated form for an order. At
         *     least one of them is needed, and when both are sent they must name the same order.
         * @example {
         *       "context": {
         *         "type": "ORDER",
         *         "id": 11001
         *       }
         *     }
         */
        CreateChatRequest: {
            context?: components["schemas"]["ChatContext"];
            /**
             * Format: int64
             * @deprecated
             * @description Deprecated: the order id; use `context` with `type: ORDER` instead.
             * @example 11001
             */
            orderId?: number;
        };
        /**
         * @description The chat.
         * @example {
         *       "chatId": 7340001
         *     }
         */
        CreateChatResult: {
            chatId: components["schemas"]["ChatId"];
        };
        /**
         * @description A successful answer with the chat.
         * @example {
         *       "status": "OK",
         *       "result": {
         *         "chatId": 7340001
         *       }
         *     }
         */
        CreateChatResponse: {
            /**
             * @description Always `OK` on success.
             * @enum {string}
             */
            status: "OK";
            result: components["schemas"]["CreateChatResult"];
        };
        /**
         * @description One problem with the request or the service.
         * @example {
         *       "code": "INVALID_REQUEST",
         *       "message": "/context/id must be >= 1"
         *     }
         */
        ApiError: {
            /**
             * @description Machine-readable error code in UPPER_SNAKE_CASE.
             * @example INVALID_REQUEST
             */
            code: string;
            /**
             * @description What is wrong and where (a JSON pointer or a header name when it helps).
             * @example /context/id must be >= 1
             */
            message?: string;
        };
        /**
         * @description The shared body of every 4xx and 5xx answer.
         * @example {
         *       "status": "ERROR",
         *       "errors": [
         *         {
         *           "code": "INVALID_REQUEST",
         *           "message": "/context/id must be >= 1"
         *         }
         *       ]
         *     }
         */
        ErrorResponse: {
            /**
             * @description Always `ERROR` on errors.
             * @enum {string}
             */
            status: "ERROR";
            /** @description What went wrong; at least one item. */
            errors: components["schemas"]["ApiError"][];
        };
        /**
         * @description An RFC 1123 date in GMT, as HTTP headers carry it.
         * @example Wed, 25 Nov 2026 13:00:00 GMT
         */
        HttpDate: string;
    };
    responses: {
        /** @description The chat that was created now, or the one created earlier for the same context. */
        ChatCreated: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["RateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["RateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["RateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["CreateChatResponse"];
            };
        };
        /** @description The request is malformed or breaks the schema or a rule of the method. */
        BadRequest: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["OptionalRateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["OptionalRateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["OptionalRateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The request carries no credentials (neither `Api-Key` nor `Authorization`). */
        Unauthorized: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["OptionalRateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["OptionalRateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["OptionalRateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /**
         * @description The token is unknown, malformed or expired, lacks a needed scope, or may not access the
         *     business.
         */
        Forbidden: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["OptionalRateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["OptionalRateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["OptionalRateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description The business, order or return was not found. */
        NotFound: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["OptionalRateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["OptionalRateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["OptionalRateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /**
         * @description The business spent its quota for the current window, or has too many requests in flight.
         *     Retry after `X-RateLimit-Resource-Until`.
         */
        RateLimitExceeded: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["RateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["RateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["RateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
        /** @description An internal error of the service. Retry after a pause. */
        InternalError: {
            headers: {
                "X-RateLimit-Resource-Limit": components["headers"]["OptionalRateLimitLimit"];
                "X-RateLimit-Resource-Remaining": components["headers"]["OptionalRateLimitRemaining"];
                "X-RateLimit-Resource-Until": components["headers"]["OptionalRateLimitUntil"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorResponse"];
            };
        };
    };
    parameters: {
        /**
         * @description Id of the seller's cabinet (business). The quota is counted per business.
         * @example 1001
         */
        BusinessId: components["schemas"]["BusinessId"];
    };
    requestBodies: {
        /** @description What the chat is about. */
        CreateChatRequestBody: {
            content: {
                "application/json": components["schemas"]["CreateChatRequest"];
            };
        };
    };
    headers: {
        /**
         * @description How many requests the quota allows per window for this business.
         * @example 1000
         */
        RateLimitLimit: number;
        /**
         * @description How many requests are left in the current window for this business.
         * @example 997
         */
        RateLimitRemaining: number;
        /**
         * @description When the current window ends, as an RFC 1123 date in GMT.
         * @example Wed, 25 Nov 2026 13:00:00 GMT
         */
        RateLimitUntil: components["schemas"]["HttpDate"];
        /**
         * @description How many requests the quota allows per window. Present when the request was counted
         *     against the quota (it passed the credential and business checks).
         * @example 1000
         */
        OptionalRateLimitLimit: number;
        /**
         * @description How many requests are left in the current window. Present when the request was counted
         *     against the quota.
         * @example 997
         */
        OptionalRateLimitRemaining: number;
        /**
         * @description When the current window ends, as an RFC 1123 date in GMT. Present when the request was
         *     counted against the quota.
         * @example Wed, 25 Nov 2026 13:00:00 GMT
         */
        OptionalRateLimitUntil: components["schemas"]["HttpDate"];
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    createChat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Id of the seller's cabinet (business). The quota is counted per business.
                 * @example 1001
                 */
                businessId: components["parameters"]["BusinessId"];
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["CreateChatRequestBody"];
        responses: {
            200: components["responses"]["ChatCreated"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            420: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
        };
    };
}
