/**
 * The console's fetch wrapper: every `/api` call carries the page's `?token=` as a Bearer header, and
 * a failed call throws an ApiError with the server's `{ error }` text, so forms can show it inline.
 */
import type { ActionInput } from '../../core/actions.ts';
import type {
  ActResponse,
  ConsoleInfo,
  ConsoleSnapshot,
  Dashboard,
  DashboardSummary,
  QoePoint,
  ScribeEntry,
  TrainerControl,
  TrainerView,
} from '../api.ts';

export class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const token = new URLSearchParams(window.location.search).get('token');

/** Adds the page's token to a link the browser follows itself (the report). */
export function withToken(url: string): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(`cannot reach the console server (${(err as Error).message})`, 0);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const error =
      data && typeof data === 'object' && 'error' in data && typeof data.error === 'string'
        ? data.error
        : text.trim() || res.statusText;
    throw new ApiError(`${error} (HTTP ${res.status})`, res.status);
  }
  return data as T;
}

export const api = {
  info: () => request<ConsoleInfo>('GET', '/api/info'),
  snapshot: () => request<ConsoleSnapshot>('GET', '/api/snapshot'),
  qoe: (since?: number) =>
    request<QoePoint[]>('GET', since === undefined ? '/api/qoe' : `/api/qoe?since=${Math.floor(since)}`),
  dashboards: () => request<DashboardSummary[]>('GET', '/api/dashboards'),
  dashboard: (id: string) => request<Dashboard>('GET', `/api/dashboards/${encodeURIComponent(id)}`),
  act: (action: ActionInput) => request<ActResponse>('POST', '/api/act', action),
  note: (id: number, role: string, text: string) =>
    request<ScribeEntry>('POST', `/api/timeline/${id}/note`, { role, text }),
  trainer: () => request<TrainerView>('GET', '/api/trainer'),
  control: (c: TrainerControl) => request<ConsoleSnapshot['clock']>('POST', '/api/trainer/control', c),
};
