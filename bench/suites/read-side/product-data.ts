import type { Money } from '../../../src/events/money.js';
import type { Random } from './random.js';

/** Product texts made of ordinary shop words, so search has real words and prefixes to find. */

export const CATEGORIES = [
  'books',
  'electronics',
  'computers',
  'phones',
  'cameras',
  'audio',
  'kitchen',
  'home',
  'garden',
  'tools',
  'toys',
  'games',
  'sports',
  'outdoors',
  'fitness',
  'clothing',
  'shoes',
  'jewelry',
  'watches',
  'beauty',
  'health',
  'baby',
  'pets',
  'grocery',
  'office',
  'automotive',
  'music',
  'movies',
  'art',
  'crafts',
  'furniture',
  'lighting',
  'bedding',
  'bath',
  'luggage',
  'stationery',
  'software',
  'appliances',
  'cycling',
  'camping',
] as const;

const ADJECTIVES = [
  'classic',
  'compact',
  'deluxe',
  'ergonomic',
  'portable',
  'premium',
  'rugged',
  'sleek',
  'smart',
  'vintage',
  'wireless',
  'modern',
  'organic',
  'handmade',
  'lightweight',
  'heavy',
  'foldable',
  'waterproof',
  'insulated',
  'adjustable',
  'rechargeable',
  'minimalist',
  'durable',
  'elegant',
  'rustic',
  'professional',
  'cozy',
  'bright',
  'quiet',
  'ultra',
];

const MATERIALS = [
  'steel',
  'oak',
  'bamboo',
  'leather',
  'cotton',
  'wool',
  'merino',
  'linen',
  'ceramic',
  'glass',
  'copper',
  'aluminium',
  'walnut',
  'granite',
  'silicone',
  'carbon',
  'titanium',
  'canvas',
  'velvet',
  'porcelain',
];

const NOUNS = [
  'lamp',
  'chair',
  'table',
  'backpack',
  'kettle',
  'blender',
  'speaker',
  'headphones',
  'keyboard',
  'mouse',
  'monitor',
  'camera',
  'tripod',
  'jacket',
  'sweater',
  'sneakers',
  'boots',
  'watch',
  'bracelet',
  'necklace',
  'notebook',
  'pen',
  'mug',
  'teapot',
  'skillet',
  'knife',
  'cutting board',
  'pillow',
  'blanket',
  'towel',
  'tent',
  'sleeping bag',
  'bicycle',
  'helmet',
  'yoga mat',
  'dumbbell',
  'puzzle',
  'board game',
  'drone',
  'charger',
  'router',
  'tablet',
  'phone case',
  'suitcase',
  'wallet',
  'sunglasses',
  'candle',
  'vase',
  'planter',
  'hammer',
  'drill',
  'saw',
  'toaster',
  'grinder',
  'scale',
  'thermos',
  'umbrella',
  'scarf',
  'gloves',
  'hat',
];

const COLOURS = [
  'black',
  'white',
  'grey',
  'navy',
  'red',
  'green',
  'olive',
  'sand',
  'blue',
  'yellow',
  'orange',
  'pink',
  'brown',
  'teal',
  'silver',
];

const BRANDS = [
  'Nordlys',
  'Atelier',
  'Kestrel',
  'Brightwell',
  'Fjordline',
  'Maple & Co',
  'Solano',
  'Ironbark',
  'Lumen',
  'Pebble',
  'Tidewater',
  'Quill',
  'Aurora',
  'Summit',
  'Harbor',
];

const FILLER = [
  'designed',
  'for',
  'everyday',
  'use',
  'with',
  'a',
  'reinforced',
  'finish',
  'and',
  'easy',
  'care',
  'made',
  'to',
  'last',
  'perfect',
  'gift',
  'travel',
  'home',
  'office',
  'comfortable',
  'grip',
  'built',
  'in',
  'storage',
  'fits',
  'most',
  'spaces',
  'tested',
  'by',
  'experts',
  'warranty',
  'included',
  'sustainably',
  'sourced',
  'materials',
  'quick',
  'setup',
  'no',
  'tools',
  'needed',
];

/** Every word a product text may hold: search queries are prefixes of these. */
export const SEARCH_WORDS: readonly string[] = [
  ...new Set(
    [...ADJECTIVES, ...MATERIALS, ...NOUNS, ...COLOURS, ...CATEGORIES]
      .flatMap((w) => w.split(' '))
      .filter((w) => w.length >= 4),
  ),
];

export interface GeneratedProduct {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly price: Money;
  readonly attributes: Readonly<Record<string, string>>;
}

const words = (random: Random, from: readonly string[], n: number) =>
  Array.from({ length: n }, () => random.pick(from));

const title = (text: string) => text.replace(/\b\w/g, (c) => c.toUpperCase());

/**
 * A product: name like "Rugged Merino Sweater 4120", a 14–30 word description,
 * a category (popular ones more often), a log-uniform price from 1.99 to
 * 999.99 (EUR, one in five in USD) and a few attributes.
 */
export function generateProduct(
  random: Random,
  productId: string,
  index: number,
): GeneratedProduct {
  const noun = random.pick(NOUNS);
  const material = random.pick(MATERIALS);
  const adjective = random.pick(ADJECTIVES);
  const name = title(`${adjective} ${material} ${noun} ${random.between(100, 9999)}`);
  const description = [
    `${title(adjective)} ${material} ${noun}`,
    ...words(random, FILLER, random.between(8, 20)),
    ...words(random, [...ADJECTIVES, ...COLOURS], random.between(2, 6)),
    noun,
  ].join(' ');
  const category =
    CATEGORIES[
      Math.min(CATEGORIES.length - 1, Math.floor(random.next() ** 2 * CATEGORIES.length))
    ]!;
  const amount = Math.round(Math.exp(Math.log(199) + random.next() * Math.log(99_999 / 199)));
  return {
    productId,
    sku: `SKU-${String(index).padStart(7, '0')}`,
    name,
    description,
    category,
    price: { amount, currency: random.chance(0.2) ? 'USD' : 'EUR' },
    attributes: {
      brand: random.pick(BRANDS),
      colour: random.pick(COLOURS),
      material,
      ...(random.chance(0.4) ? { size: random.pick(['XS', 'S', 'M', 'L', 'XL']) } : {}),
    },
  };
}

const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eva',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemal',
  'Lena',
  'Mateo',
  'Noor',
  'Olga',
  'Pablo',
  'Rita',
  'Sven',
  'Tariq',
  'Uma',
];
const LAST_NAMES = [
  'Almeida',
  'Berg',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
];
const CITIES: readonly [string, string][] = [
  ['Lisbon', 'PT'],
  ['Berlin', 'DE'],
  ['Paris', 'FR'],
  ['Madrid', 'ES'],
  ['Oslo', 'NO'],
  ['Stockholm', 'SE'],
  ['Rome', 'IT'],
  ['Vienna', 'AT'],
  ['Dublin', 'IE'],
  ['Warsaw', 'PL'],
  ['Boston', 'US'],
  ['Austin', 'US'],
];
const STREETS = [
  'Main Street',
  'Rua Augusta',
  'Hauptstraße',
  'Rue de Rivoli',
  'Calle Mayor',
  'Via Roma',
  'Storgatan',
  'High Street',
];

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly address: {
    readonly name: string;
    readonly line1: string;
    readonly city: string;
    readonly postalCode: string;
    readonly country: string;
  };
}

export function generateCustomer(random: Random, customerId: string, index: number): Customer {
  const name = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
  const [city, country] = random.pick(CITIES);
  return {
    customerId,
    name,
    email: `customer${index}@example.com`,
    address: {
      name,
      line1: `${random.between(1, 250)} ${random.pick(STREETS)}`,
      city,
      postalCode: String(random.between(10_000, 99_999)),
      country,
    },
  };
}
