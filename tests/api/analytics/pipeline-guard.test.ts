import { checkPipeline } from '../../../src/api/analytics/pipeline-guard.js';

const refused = (collection: string, pipeline: unknown) => {
  try {
    checkPipeline(collection, pipeline);
  } catch (error) {
    return (error as { details?: { errors?: { path: string }[] } }).details?.errors?.[0]?.path;
  }
  return undefined;
};

describe('analytics pipeline guard', () => {
  it('accepts read-only pipelines over the read models', () => {
    const pipeline = [
      { $match: { status: 'confirmed', 'totals.total.amount': { $gte: 100 } } },
      { $group: { _id: '$customerId', spent: { $sum: '$totals.total.amount' } } },
      { $sort: { spent: -1 } },
      { $limit: 10 },
      { $facet: { top: [{ $limit: 3 }], count: [{ $count: 'n' }] } },
    ];
    expect(checkPipeline('orders', pipeline)).toEqual({ collection: 'orders', pipeline });
  });

  it.each([
    ['$out', [{ $out: 'stolen' }], 'body.pipeline.0.$out'],
    ['$merge', [{ $match: {} }, { $merge: { into: 'x' } }], 'body.pipeline.1.$merge'],
    ['$where in $match', [{ $match: { $where: 'sleep(1000)' } }], 'body.pipeline.0.$match.$where'],
    [
      '$function in $expr',
      [{ $match: { $expr: { $function: { body: 'x', args: [], lang: 'js' } } } }],
      'body.pipeline.0.$match.$expr.$function',
    ],
    [
      '$accumulator in $group',
      [{ $group: { _id: 1, x: { $accumulator: {} } } }],
      'body.pipeline.0.$group.x.$accumulator',
    ],
    ['$lookup', [{ $lookup: { from: 'customers' } }], 'body.pipeline.0.$lookup'],
    [
      '$out nested in $facet',
      [{ $facet: { a: [{ $out: 'x' }] } }],
      'body.pipeline.0.$facet.a.0.$out',
    ],
    ['an unknown stage', [{ $densify: {} }], 'body.pipeline.0.$densify'],
    ['two operators in a stage', [{ $match: {}, $limit: 1 }], 'body.pipeline.0'],
    ['a non-array pipeline', { $match: {} }, 'body.pipeline'],
  ])('refuses %s', (_name, pipeline, path) => {
    expect(refused('orders', pipeline)).toBe(path);
  });

  it('refuses collections that are not read models, and absurd nesting', () => {
    expect(refused('_checkpoints', [])).toBe('body.collection');
    expect(refused('sales_orders', [])).toBe('body.collection');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect(refused('orders', [{ $match: deep }])).toMatch(/^body\.pipeline\.0\.\$match/);
  });
});

describe('analytics pipeline guard on $range', () => {
  it('runs only constant ranges of at most 10,000 numbers, which no time limit need stop', () => {
    expect(refused('orders', [{ $project: { n: { $range: [0, 10_000] } } }])).toBeUndefined();
    expect(refused('orders', [{ $project: { n: { $range: [0, 1e6, 100] } } }])).toBeUndefined();
    expect(refused('orders', [{ $project: { n: { $range: [0, 1e9] } } }])).toBe(
      'body.pipeline.0.$project.n.$range',
    );
    expect(refused('orders', [{ $project: { n: { $range: [0, '$units'] } } }])).toBe(
      'body.pipeline.0.$project.n.$range',
    );
    expect(refused('orders', [{ $project: { n: { $range: [0, 10, 0] } } }])).toBeDefined();
  });
});
