import { describe, expect, it } from 'vitest';
import { checkResult } from '../../src/checks/result.js';

describe('check results', () => {
  it('word their message only when it is read, and only once', () => {
    let worded = 0;
    const result = checkResult('critical', 92, () => {
      worded += 1;
      return "Host 'storage-server-04' disk usage critical: 92%";
    });
    expect(result.status).toBe('critical');
    expect(worded).toBe(0);
    expect(result.message).toBe("Host 'storage-server-04' disk usage critical: 92%");
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      status: 'critical',
      value: 92,
      message: "Host 'storage-server-04' disk usage critical: 92%",
    });
    expect(worded).toBe(1);
  });
});
