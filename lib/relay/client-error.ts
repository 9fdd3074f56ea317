/** The relay client's one error type, and reading it out of a failed response. */
import { AppError } from "../errors";
import { parseErrorBody } from "./parse";
import type { RelayErrorCode } from "./protocol";

/** A failed relay call: `status` 0 means the network failed; `code` is the relay's error code. */
export class RelayClientError extends AppError {
  override readonly name: string = "RelayClientError";
  readonly status: number;
  readonly apiCode: RelayErrorCode | "network" | "bad_response";

  constructor(status: number, apiCode: RelayClientError["apiCode"], message: string, options: { cause?: unknown } = {}) {
    super(`relay_${apiCode}`, message, { ...options, context: { status } });
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** The {@link RelayClientError} for a response that is not ok: the relay's own code and message where its body says them. */
export async function relayErrorFrom(response: Response): Promise<RelayClientError> {
  let parsed: ReturnType<typeof parseErrorBody>;
  try {
    parsed = parseErrorBody(await response.json());
  } catch {
    parsed = null;
  }
  return parsed === null
    ? new RelayClientError(response.status, "bad_response", `the relay answered ${response.status}`)
    : new RelayClientError(response.status, parsed.error.code, parsed.error.message);
}
