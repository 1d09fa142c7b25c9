/**
 * The rules of `returnData` a schema cannot express: the payload template's language, a URL that
 * is a URL and carries no credentials, and a success criterion whose two halves come together.
 */
import type { GerbangConfig } from './schema.ts';
import { templateProblems } from './return-data-template.ts';

export function returnDataProblems(returnData: GerbangConfig['returnData']): string[] {
  const problems = templateProblems(returnData.payload);
  if (returnData.url !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(returnData.url.replace('{consumer}', 'consumer'));
    } catch {
      problems.push('/returnData/url is not a valid URL');
    }
    // Secrets are files, never values: a token or password in the URL would be in the config.
    if (url !== undefined && (url.username !== '' || url.password !== ''))
      problems.push('/returnData/url must not carry credentials: use /returnData/auth');
  }
  const { pointer, equals } = returnData.success;
  if ((pointer === undefined) !== (equals === undefined))
    problems.push('/returnData/success: pointer and equals are given together or not at all');
  return problems;
}
