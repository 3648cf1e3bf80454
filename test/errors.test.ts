import { EsdlabError, isEsdlabError } from '../src/core/errors';

describe('EsdlabError', () => {
  it('prefixes the message with the location', () => {
    const e = new EsdlabError('NON_FINITE', 'NaN value', { file: 'm.npy', tensor: 'fc1', index: [1, 2] });
    expect(e.message).toBe("[m.npy, tensor 'fc1', at [1, 2]] NaN value");
    expect(e.code).toBe('NON_FINITE');
    expect(isEsdlabError(e)).toBe(true);
    expect(isEsdlabError(new Error('x'))).toBe(false);
  });
  it('withLocation adds fields without duplicating the prefix (multi-index locations included)', () => {
    const e = new EsdlabError('NON_FINITE', 'NaN value', { tensor: 'fc1', index: [1, 2] }).withLocation({ file: 'm.npy' });
    expect(e.message).toBe("[m.npy, tensor 'fc1', at [1, 2]] NaN value");
    expect(e.location).toEqual({ file: 'm.npy', tensor: 'fc1', index: [1, 2] });
  });
  it('formats line numbers as file:line', () => {
    expect(new EsdlabError('PARSE_ERROR', 'not a number', { file: 'x.txt', line: 3 }).message).toBe('[x.txt:3] not a number');
  });
});
