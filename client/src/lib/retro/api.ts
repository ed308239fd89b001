/** POST /api/plans/<plan>/retros: a new retro, created and linked from the plan by the server. */
import { ApiError, requestJson } from '../api/http.ts';

export type NewRetroRequest = { title: string; template: string; columns?: string[]; anonymous: boolean; sprint?: string | null };
export type NewRetro = { room: string; url: string };

export async function createRetro(token: string, plan: string, request: NewRetroRequest): Promise<NewRetro> {
  const d = await requestJson<Partial<NewRetro>>('POST', `/api/plans/${encodeURIComponent(plan)}/retros`, token, request);
  if (typeof d?.room !== 'string' || typeof d.url !== 'string') throw new ApiError(502, 'bad-response', 'The server sent an unexpected new retro answer.');
  return { room: d.room, url: d.url };
}
