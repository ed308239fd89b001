/** Page sizes of list routes (shared by the routes and the OpenAPI document). */
export const PAGE = { default: 50, max: 200 } as const;
