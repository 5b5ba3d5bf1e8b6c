import { SeededRandom } from './seeded-random';

// Common Vietnamese family, middle and given names: the combinations are synthetic, not the 2021 candidates.
const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Phan',
  'Vũ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Đinh',
  'Trịnh',
];
const MIDDLE_MALE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Xuân', 'Mạnh', 'Tiến', 'Thanh'];
const MIDDLE_FEMALE = ['Thị', 'Thu', 'Ngọc', 'Thanh', 'Hồng', 'Minh', 'Phương', 'Lan', 'Kim', 'Bích'];
const GIVEN_MALE = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hải',
  'Hùng',
  'Khánh',
  'Long',
  'Nam',
  'Quân',
  'Sơn',
  'Thắng',
  'Trung',
  'Tuấn',
  'Vinh',
  'Việt',
  'Hiếu',
  'Phúc',
];
const GIVEN_FEMALE = [
  'Anh',
  'Giang',
  'Hà',
  'Hạnh',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Nga',
  'Phương',
  'Thảo',
  'Trang',
  'Yến',
  'Hằng',
  'Huyền',
  'Vân',
];

/** Draws distinct Vietnamese-looking full names from one seeded stream. */
export class SyntheticNames {
  private readonly used = new Set<string>();

  constructor(private readonly random: SeededRandom) {}

  /** A name, possibly given before: a country's ~70,000 candidates share names, as real people do. */
  any(): string {
    const female = this.random.next() < 0.4;
    return [
      this.random.pick(FAMILY),
      this.random.pick(female ? MIDDLE_FEMALE : MIDDLE_MALE),
      this.random.pick(female ? GIVEN_FEMALE : GIVEN_MALE),
    ].join(' ');
  }

  /** A name not given before by this generator. */
  next(): string {
    for (;;) {
      const name = this.any();
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}
