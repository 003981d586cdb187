import { DEFAULT_DATABASE, databaseFromUrl } from '../../../src/stores/mongodb/mongo-connection.js';

describe('MongoDB connection strings', () => {
  it('reads the database from the path', () => {
    expect(databaseFromUrl('mongodb://localhost:27017/shop')).toBe('shop');
    expect(
      databaseFromUrl('mongodb+srv://u:p%40ss@cluster.example.net/shop?retryWrites=true'),
    ).toBe('shop');
    expect(databaseFromUrl('mongodb://a:27017,b:27017,c:27017/shop?replicaSet=rs0')).toBe('shop');
    expect(databaseFromUrl('mongodb://localhost/my%20db')).toBe('my db');
  });

  it('has no database when the path is empty', () => {
    expect(databaseFromUrl('mongodb://localhost:27017')).toBeUndefined();
    expect(databaseFromUrl('mongodb://localhost:27017/')).toBeUndefined();
    expect(databaseFromUrl('mongodb://localhost:27017/?replicaSet=rs0')).toBeUndefined();
    expect(DEFAULT_DATABASE).toBe('commerce');
  });

  it('refuses a path that does not decode', () => {
    expect(() => databaseFromUrl('mongodb://localhost/%E0%A4%A')).toThrow(RangeError);
  });
});
