/** The demo shop's vocabulary: categories, product lines, people, places and review texts. */

export interface ProductLine {
  readonly name: string;
  readonly description: string;
  /** Price range in euro cents. */
  readonly price: readonly [number, number];
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Category {
  readonly slug: string;
  readonly sku: string;
  readonly variants: readonly string[];
  readonly lines: readonly ProductLine[];
}

const line = (
  name: string,
  description: string,
  price: readonly [number, number],
  attributes: Readonly<Record<string, string>> = {},
): ProductLine => ({ name, description, price, attributes });

export const CATEGORIES: readonly Category[] = [
  {
    slug: 'tea',
    sku: 'TEA',
    variants: ['50 g', '100 g', '250 g'],
    lines: [
      line(
        '西湖龙井 Longjing green tea',
        'Pan-fired green tea from the hills around West Lake, Hangzhou.',
        [1200, 4500],
        { origin: 'Zhejiang, China' },
      ),
      line(
        '铁观音 Tieguanyin oolong',
        'Rolled oolong with a floral, orchid-like finish.',
        [900, 3800],
        { origin: 'Fujian, China' },
      ),
      line('普洱茶饼 Pu-erh tea cake', 'Aged, pressed dark tea; earthy and smooth.', [1500, 6000], {
        origin: 'Yunnan, China',
      }),
      line('Darjeeling first flush', 'Spring harvest with a bright, muscatel note.', [1100, 3900], {
        origin: 'West Bengal, India',
      }),
      line('Earl Grey crème', 'Black tea with bergamot and a touch of vanilla.', [700, 2400]),
      line('Matcha de Uji', 'Stone-ground ceremonial grade green tea.', [1800, 5200], {
        origin: 'Kyoto, Japan',
      }),
      line('Thé à la menthe', 'Gunpowder green tea with Nana mint.', [600, 1900]),
    ],
  },
  {
    slug: 'coffee',
    sku: 'COF',
    variants: ['250 g beans', '500 g beans', '1 kg beans'],
    lines: [
      line(
        'Café de Colombia Huila',
        'Washed arabica with notes of cacao and red apple.',
        [900, 3200],
        { origin: 'Colombia' },
      ),
      line('Ethiopia Yirgacheffe', 'Floral, citrus-bright light roast.', [1100, 3600], {
        origin: 'Ethiopia',
      }),
      line('Crème brûlée espresso blend', 'Dark roast blend with a caramel finish.', [1000, 3400]),
      line('云南小粒咖啡 Yunnan arabica', 'Sweet, nutty arabica from Pu’er.', [950, 3300], {
        origin: 'Yunnan, China',
      }),
      line('Café décaféiné Swiss Water', 'Decaffeinated without solvents.', [900, 3000]),
    ],
  },
  {
    slug: 'kitchen',
    sku: 'KIT',
    variants: ['black', 'red', 'natural'],
    lines: [
      line('铸铁炒锅 Cast-iron wok', 'Pre-seasoned wok for high-heat cooking.', [3900, 8900]),
      line('竹蒸笼 Bamboo steamer', 'Two-tier steamer basket with lid.', [1500, 3500]),
      line('Poêle à crêpes', 'Carbon steel crêpe pan, 28 cm.', [2500, 5500]),
      line('Chef’s knife, 20 cm', 'Forged stainless steel, full tang.', [4500, 12900]),
      line('Moka pot', 'Stovetop espresso maker, 6 cups.', [2200, 4900]),
      line('Teekanne aus Glas', 'Borosilicate glass teapot with infuser.', [1900, 3900]),
    ],
  },
  {
    slug: 'books',
    sku: 'BOK',
    variants: ['paperback', 'hardcover'],
    lines: [
      line('三体 The Three-Body Problem', 'Science fiction by Liu Cixin.', [1200, 2600], {
        author: '刘慈欣',
      }),
      line('Le Petit Prince', 'Antoine de Saint-Exupéry’s timeless tale.', [800, 1900], {
        author: 'Antoine de Saint-Exupéry',
      }),
      line(
        'Cien años de soledad',
        'Gabriel García Márquez’s saga of the Buendía family.',
        [1100, 2500],
        { author: 'Gabriel García Márquez' },
      ),
      line('Die Verwandlung', 'Franz Kafka’s novella.', [600, 1500], { author: 'Franz Kafka' }),
      line('红楼梦 Dream of the Red Chamber', 'Cao Xueqin’s classic novel.', [1500, 3500], {
        author: '曹雪芹',
      }),
      line('Pride and Prejudice', 'Jane Austen’s comedy of manners.', [700, 1800], {
        author: 'Jane Austen',
      }),
    ],
  },
  {
    slug: 'home',
    sku: 'HOM',
    variants: ['small', 'medium', 'large'],
    lines: [
      line('青花瓷花瓶 Blue-and-white vase', 'Hand-painted porcelain vase.', [2900, 9900]),
      line('Bougie parfumée fleur d’oranger', 'Soy wax candle, 40 hours.', [1400, 3200]),
      line('Linen throw', 'Stonewashed linen blanket.', [3900, 8900]),
      line('Kissen „Gemütlichkeit“', 'Wool cushion with embroidered cover.', [2400, 4900]),
      line('Céramique artisanale bowl', 'Stoneware bowl, glazed by hand.', [1600, 3900]),
    ],
  },
  {
    slug: 'stationery',
    sku: 'STA',
    variants: ['blue', 'black', 'green'],
    lines: [
      line('毛笔 Calligraphy brush set', 'Three wolf-hair brushes with ink stick.', [1500, 4200]),
      line('Fountain pen', 'Steel nib, converter included.', [2500, 7900]),
      line('Carnet à points A5', 'Dotted notebook, 160 pages.', [900, 2200]),
      line('Washi tape set', 'Ten rolls of Japanese paper tape.', [700, 1600]),
    ],
  },
];

export interface Person {
  readonly name: string;
  /** ASCII form for the email address. */
  readonly ascii: string;
}

const person = (name: string, ascii: string): Person => ({ name, ascii });

export const PEOPLE: readonly Person[] = [
  person('王伟', 'wang.wei'),
  person('李娜', 'li.na'),
  person('张敏', 'zhang.min'),
  person('陈静', 'chen.jing'),
  person('刘洋', 'liu.yang'),
  person('José García', 'jose.garcia'),
  person('Zoë Müller', 'zoe.mueller'),
  person('François Dubois', 'francois.dubois'),
  person('Søren Ødegaard', 'soren.odegaard'),
  person('Łukasz Wiśniewski', 'lukasz.wisniewski'),
  person('Chloé Lefèvre', 'chloe.lefevre'),
  person('Ana Sofía Pérez', 'ana.perez'),
  person('Jürgen Schäfer', 'juergen.schaefer'),
  person('Inês Gonçalves', 'ines.goncalves'),
  person('Ada Lovelace', 'ada.lovelace'),
  person('Grace Hopper', 'grace.hopper'),
  person('Amélie Poulain', 'amelie.poulain'),
  person('Björn Lindqvist', 'bjorn.lindqvist'),
  person('Nguyễn Thị Hoa', 'nguyen.hoa'),
  person('Oliver Smith', 'oliver.smith'),
  person('Emma Johnson', 'emma.johnson'),
  person('Mateo Rossi', 'mateo.rossi'),
  person('Elif Yılmaz', 'elif.yilmaz'),
  person('佐藤 花子', 'sato.hanako'),
];

export interface Place {
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
  readonly streets: readonly string[];
}

export const PLACES: readonly Place[] = [
  {
    city: 'Paris',
    postalCode: '75011',
    country: 'FR',
    streets: ['Rue de la Roquette', 'Boulevard Voltaire'],
  },
  {
    city: 'Lyon',
    postalCode: '69002',
    country: 'FR',
    streets: ['Rue Mercière', 'Quai Saint-Antoine'],
  },
  {
    city: 'München',
    postalCode: '80331',
    country: 'DE',
    streets: ['Sendlinger Straße', 'Müllerstraße'],
  },
  { city: 'Zürich', postalCode: '8001', country: 'CH', streets: ['Bahnhofstrasse', 'Limmatquai'] },
  { city: '上海', postalCode: '200000', country: 'CN', streets: ['南京东路', '淮海中路'] },
  {
    city: 'Madrid',
    postalCode: '28013',
    country: 'ES',
    streets: ['Calle Mayor', 'Calle de Alcalá'],
  },
  { city: 'Kraków', postalCode: '31-001', country: 'PL', streets: ['Floriańska', 'Grodzka'] },
  { city: 'København', postalCode: '1050', country: 'DK', streets: ['Strøget', 'Nyhavn'] },
  { city: 'London', postalCode: 'N1 1AA', country: 'GB', streets: ['Upper Street', 'Essex Road'] },
  {
    city: 'Lisboa',
    postalCode: '1100-148',
    country: 'PT',
    streets: ['Rua Augusta', 'Rua da Prata'],
  },
];

export const CARRIERS: readonly string[] = ['DHL', 'UPS', 'La Poste', 'SF Express', 'GLS'];

export interface ReviewText {
  readonly rating: number;
  readonly title: string;
  readonly body: string;
}

export const REVIEWS: readonly ReviewText[] = [
  { rating: 5, title: 'Excellent', body: 'Exactly as described, well packed and quick to arrive.' },
  { rating: 5, title: 'Très bien', body: 'Qualité remarquable, je recommande vivement.' },
  { rating: 5, title: '非常好', body: '质量很好，包装精美，物流也很快。' },
  { rating: 4, title: 'Sehr gut', body: 'Gute Qualität, die Lieferung hat etwas gedauert.' },
  { rating: 4, title: 'Good value', body: 'Does the job nicely for the price.' },
  { rating: 4, title: 'Muy bueno', body: 'Buen producto, llegó a tiempo.' },
  { rating: 3, title: 'Okay', body: 'Fine, but not quite what I expected.' },
  { rating: 3, title: '一般', body: '还可以，和图片有点不一样。' },
  { rating: 2, title: 'Déçu', body: 'L’emballage était abîmé à l’arrivée.' },
  { rating: 1, title: 'Not for me', body: 'Stopped working after a week; I asked for a refund.' },
];

export const CANCEL_REASONS: readonly string[] = [
  'Ordered by mistake',
  'Found it cheaper elsewhere',
  'Délai de livraison trop long',
];

export const REFUND_REASONS: readonly string[] = [
  'Damaged in transit',
  'Not as described',
  'Article défectueux',
  '商品有瑕疵',
];
