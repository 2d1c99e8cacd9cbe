import { describe, expect, it } from 'vitest';
import { ensureReflectMetadata } from './reflect-metadata.js';
import { loadX509 } from './x509.js';

interface MetadataReflect {
  defineMetadata(this: void, key: unknown, value: unknown, target: object, property?: string | symbol): void;
  getMetadata(this: void, key: unknown, target: object, property?: string | symbol): unknown;
  getOwnMetadata(this: void, key: unknown, target: object, property?: string | symbol): unknown;
  hasMetadata(this: void, key: unknown, target: object, property?: string | symbol): boolean;
}

describe('ensureReflectMetadata', () => {
  it('provides the metadata API tsyringe needs, with prototype lookup, and is idempotent', () => {
    ensureReflectMetadata();
    const getMetadata = (Reflect as unknown as MetadataReflect).getMetadata;
    ensureReflectMetadata();
    const reflect = Reflect as unknown as MetadataReflect;
    expect(reflect.getMetadata).toBe(getMetadata);

    class Base {}
    class Derived extends Base {}
    reflect.defineMetadata('k', 1, Base);
    reflect.defineMetadata('k', 'p', Base, 'prop');
    expect(reflect.getMetadata('k', Derived)).toBe(1);
    expect(reflect.getOwnMetadata('k', Derived)).toBeUndefined();
    expect(reflect.getMetadata('k', Base, 'prop')).toBe('p');
    expect(reflect.hasMetadata('missing', Derived)).toBe(false);
  });

  it('lets @peculiar/x509 load, wired to Node WebCrypto', async () => {
    const { x509, crypto } = await loadX509();
    expect(x509.cryptoProvider.get()).toBe(crypto);
    await loadX509(); // idempotent
    expect(x509.cryptoProvider.get()).toBe(crypto);
  });
});
