import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';

function principalType(credentials: BackstageCredentials): string | undefined {
  return (credentials.principal as { type?: string } | undefined)?.type;
}

/**
 * The caller as a signed-in user, for actions whose answer depends on who asks (private
 * memory); a plugin or token calling on nobody's behalf is refused by name.
 */
export function asUser(
  credentials: BackstageCredentials,
  action: string,
): BackstageCredentials<BackstageUserPrincipal> {
  if (principalType(credentials) !== 'user')
    throw new NotAllowedError(
      `${action} answers for a signed-in user; call it with a user's token, not a service's`,
    );
  return credentials as BackstageCredentials<BackstageUserPrincipal>;
}

/** The caller as a user or a service (a pipeline's static token), as tasks accept. */
export function asUserOrService(
  credentials: BackstageCredentials,
  action: string,
): BackstageCredentials<BackstageUserPrincipal | BackstageServicePrincipal> {
  const type = principalType(credentials);
  if (type !== 'user' && type !== 'service')
    throw new NotAllowedError(
      `${action} needs a signed-in user or a service token`,
    );
  return credentials as BackstageCredentials<
    BackstageUserPrincipal | BackstageServicePrincipal
  >;
}
