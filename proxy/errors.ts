/** Toxiproxy's API errors: `{"error": message, "status": code}` with the same messages and codes. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

const make = (message: string, status: number) => () => new ApiError(message, status);

export const Errors = {
  badRequestBody: (detail: string) => new ApiError(`bad request body: ${detail}`, 400),
  missingField: (detail: string) => new ApiError(`missing required field: ${detail}`, 400),
  proxyNotFound: make('proxy not found', 404),
  proxyAlreadyExists: make('proxy already exists', 409),
  invalidStream: make('stream was invalid, can be either upstream or downstream', 400),
  invalidToxicType: make('invalid toxic type', 400),
  toxicAlreadyExists: make('toxic already exists', 409),
  toxicNotFound: make('toxic not found', 404),
};
