import { describe, expect, it } from 'vitest';
import { nginxReturnText, replayConfig } from './upstream-replay.ts';

describe("the replaying upstream's nginx text", () => {
  it('escapes quotes and backslashes, so the answer is returned byte for byte', () => {
    expect(nginxReturnText('{"a":"b\\\\c"}')).toBe('"{\\"a\\":\\"b\\\\\\\\c\\"}"');
  });
  it('refuses an answer with a $, which nginx would read as a variable', () => {
    expect(() => nginxReturnText('{"a":"$x"}')).toThrow(/\$/);
  });
  it("serves the answer's status and media type on every path but the control one", () => {
    const conf = replayConfig('/b', 4000, {
      status: 200,
      contentType: 'application/json; charset=UTF-8',
      body: '{}',
    });
    expect(conf).toContain('listen 127.0.0.1:4000;');
    expect(conf).toContain('default_type application/json;\n      return 200 "{}";');
  });
});
