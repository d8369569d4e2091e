// A desired state the router's current state does not allow (planStep wraps it in a HostError).
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
}
