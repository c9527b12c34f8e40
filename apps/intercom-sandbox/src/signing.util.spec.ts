import { bodySignature, hubSignature, safeEqual } from './signing.util';

describe('signing (reference test vectors)', () => {
  it('webhook X-Hub-Signature matches §4.5', () => {
    const body =
      '{"type":"notification_event","id":"notif_1","topic":"conversation.user.created","app_id":"abc","created_at":1700000000,"data":{"type":"notification_event_data","item":{"type":"conversation","id":"1"}}}';
    expect(hubSignature('intercom_secret', body)).toBe('sha1=e0d6deaa5785a871c44a56b6c3138ce190b6cc98');
  });

  it('Canvas X-Body-Signature matches §5.7', () => {
    const body = '{"workspace_id":"abc12345","workspace_region":"US","component_id":"save","input_values":{"note":"hi"}}';
    expect(bodySignature('test_client_secret', body)).toBe('e819a4c7e3b2b5a959460717aaaf4b72f02b74ebcce89603029a0284a3eace54');
  });

  it('safeEqual compares exactly', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
