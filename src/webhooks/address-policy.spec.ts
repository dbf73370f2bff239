import { refusalOf } from './address-policy.js';

describe('refusalOf', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.1.1',
    '0.0.0.0',
    '::',
    '224.0.0.1',
    'ff02::1',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '[::ffff:10.0.0.1]',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ])('refuses %s', (address) => {
    expect(refusalOf(address, false)).not.toBeNull();
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts the public address %s', (address) => {
    expect(refusalOf(address, false)).toBeNull();
  });

  it('allows private targets when told to, but never a metadata service', () => {
    expect(refusalOf('127.0.0.1', true)).toBeNull();
    expect(refusalOf('::ffff:10.1.1.1', true)).toBeNull();
    expect(refusalOf('169.254.169.254', true)).toBe('a cloud metadata address');
    expect(refusalOf('::ffff:169.254.169.254', true)).toBe('a cloud metadata address');
    expect(refusalOf('fd00:ec2::254', true)).toBe('a cloud metadata address');
  });
});
