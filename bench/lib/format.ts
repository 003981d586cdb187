const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const formatCount = (value: number): string => integer.format(value);

export const formatMs = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

export const formatRatio = (value: number): string =>
  `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}x`;

export const passFail = (pass: boolean): string => (pass ? 'pass' : '**FAIL**');
