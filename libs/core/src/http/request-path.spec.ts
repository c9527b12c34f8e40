import { requestPath } from './request-path';

describe('requestPath', () => {
  it('is the path without the query, like Express req.path', () => {
    expect(requestPath({ url: '/webhooks/intercom' })).toBe('/webhooks/intercom');
    expect(requestPath({ url: '/webhooks/intercom/?a=1&b=/x' })).toBe('/webhooks/intercom/');
    expect(requestPath({ url: '/?' })).toBe('/');
  });

  it('takes the path of an absolute-form target, and keeps what is not a URL as it is', () => {
    expect(requestPath({ url: 'http://example.com/webhooks/intercom?x=1' })).toBe('/webhooks/intercom');
    expect(requestPath({ url: '*' })).toBe('*');
    expect(requestPath({ url: undefined })).toBe('/');
  });
});
