/**
 * Vietnam's 63 provinces and centrally governed cities in 2021, with their population (2019 census, thousands,
 * rounded: it only weights the synthetic polling areas and voters) and, where the press reported it from
 * NQ 64/NQ-HĐBCQG (3 March 2021), the number of National Assembly units and seats. The rest are synthetic, so that
 * the country has 184 units and 500 seats as in 2021.
 */
export interface Province {
  provinceId: string;
  name: string;
  population: number;
  /** Real NA units and seats (NQ 64/NQ-HĐBCQG), when known. */
  na?: { units: number; seats: number };
  /** 2021: urban districts and wards of these cities held no district or commune People's Council (pilot). */
  urbanPilot?: boolean;
}

export const PROVINCES: readonly Province[] = [
  {
    provinceId: 'ha-noi',
    name: 'Thành phố Hà Nội',
    population: 8054,
    na: { units: 10, seats: 29 },
    urbanPilot: true,
  },
  {
    provinceId: 'ho-chi-minh',
    name: 'Thành phố Hồ Chí Minh',
    population: 8993,
    na: { units: 10, seats: 30 },
    urbanPilot: true,
  },
  { provinceId: 'hai-phong', name: 'Thành phố Hải Phòng', population: 2028, na: { units: 3, seats: 9 } },
  {
    provinceId: 'da-nang',
    name: 'Thành phố Đà Nẵng',
    population: 1134,
    na: { units: 2, seats: 6 },
    urbanPilot: true,
  },
  { provinceId: 'can-tho', name: 'Thành phố Cần Thơ', population: 1235, na: { units: 3, seats: 7 } },
  { provinceId: 'an-giang', name: 'Tỉnh An Giang', population: 1908 },
  { provinceId: 'ba-ria-vung-tau', name: 'Tỉnh Bà Rịa – Vũng Tàu', population: 1148 },
  { provinceId: 'bac-giang', name: 'Tỉnh Bắc Giang', population: 1804, na: { units: 3, seats: 9 } },
  { provinceId: 'bac-kan', name: 'Tỉnh Bắc Kạn', population: 314 },
  { provinceId: 'bac-lieu', name: 'Tỉnh Bạc Liêu', population: 907 },
  { provinceId: 'bac-ninh', name: 'Tỉnh Bắc Ninh', population: 1368 },
  { provinceId: 'ben-tre', name: 'Tỉnh Bến Tre', population: 1289 },
  { provinceId: 'binh-dinh', name: 'Tỉnh Bình Định', population: 1487 },
  { provinceId: 'binh-duong', name: 'Tỉnh Bình Dương', population: 2456, na: { units: 4, seats: 11 } },
  { provinceId: 'binh-phuoc', name: 'Tỉnh Bình Phước', population: 995 },
  { provinceId: 'binh-thuan', name: 'Tỉnh Bình Thuận', population: 1231 },
  { provinceId: 'ca-mau', name: 'Tỉnh Cà Mau', population: 1194 },
  { provinceId: 'cao-bang', name: 'Tỉnh Cao Bằng', population: 530 },
  { provinceId: 'dak-lak', name: 'Tỉnh Đắk Lắk', population: 1870 },
  { provinceId: 'dak-nong', name: 'Tỉnh Đắk Nông', population: 623 },
  { provinceId: 'dien-bien', name: 'Tỉnh Điện Biên', population: 599 },
  { provinceId: 'dong-nai', name: 'Tỉnh Đồng Nai', population: 3097, na: { units: 4, seats: 12 } },
  { provinceId: 'dong-thap', name: 'Tỉnh Đồng Tháp', population: 1600 },
  { provinceId: 'gia-lai', name: 'Tỉnh Gia Lai', population: 1514 },
  { provinceId: 'ha-giang', name: 'Tỉnh Hà Giang', population: 855, na: { units: 2, seats: 6 } },
  { provinceId: 'ha-nam', name: 'Tỉnh Hà Nam', population: 853 },
  { provinceId: 'ha-tinh', name: 'Tỉnh Hà Tĩnh', population: 1289 },
  { provinceId: 'hai-duong', name: 'Tỉnh Hải Dương', population: 1893 },
  { provinceId: 'hau-giang', name: 'Tỉnh Hậu Giang', population: 734 },
  { provinceId: 'hoa-binh', name: 'Tỉnh Hòa Bình', population: 855 },
  { provinceId: 'hung-yen', name: 'Tỉnh Hưng Yên', population: 1253, na: { units: 3, seats: 7 } },
  { provinceId: 'khanh-hoa', name: 'Tỉnh Khánh Hòa', population: 1232 },
  { provinceId: 'kien-giang', name: 'Tỉnh Kiên Giang', population: 1724 },
  { provinceId: 'kon-tum', name: 'Tỉnh Kon Tum', population: 541 },
  { provinceId: 'lai-chau', name: 'Tỉnh Lai Châu', population: 461 },
  { provinceId: 'lam-dong', name: 'Tỉnh Lâm Đồng', population: 1297 },
  { provinceId: 'lang-son', name: 'Tỉnh Lạng Sơn', population: 782 },
  { provinceId: 'lao-cai', name: 'Tỉnh Lào Cai', population: 731 },
  { provinceId: 'long-an', name: 'Tỉnh Long An', population: 1689 },
  { provinceId: 'nam-dinh', name: 'Tỉnh Nam Định', population: 1781 },
  { provinceId: 'nghe-an', name: 'Tỉnh Nghệ An', population: 3328, na: { units: 5, seats: 13 } },
  { provinceId: 'ninh-binh', name: 'Tỉnh Ninh Bình', population: 983 },
  { provinceId: 'ninh-thuan', name: 'Tỉnh Ninh Thuận', population: 591 },
  { provinceId: 'phu-tho', name: 'Tỉnh Phú Thọ', population: 1464 },
  { provinceId: 'phu-yen', name: 'Tỉnh Phú Yên', population: 873 },
  { provinceId: 'quang-binh', name: 'Tỉnh Quảng Bình', population: 896 },
  { provinceId: 'quang-nam', name: 'Tỉnh Quảng Nam', population: 1496 },
  { provinceId: 'quang-ngai', name: 'Tỉnh Quảng Ngãi', population: 1232 },
  { provinceId: 'quang-ninh', name: 'Tỉnh Quảng Ninh', population: 1321 },
  { provinceId: 'quang-tri', name: 'Tỉnh Quảng Trị', population: 633 },
  { provinceId: 'soc-trang', name: 'Tỉnh Sóc Trăng', population: 1200 },
  { provinceId: 'son-la', name: 'Tỉnh Sơn La', population: 1249 },
  { provinceId: 'tay-ninh', name: 'Tỉnh Tây Ninh', population: 1170 },
  { provinceId: 'thai-binh', name: 'Tỉnh Thái Bình', population: 1861 },
  { provinceId: 'thai-nguyen', name: 'Tỉnh Thái Nguyên', population: 1287 },
  { provinceId: 'thanh-hoa', name: 'Tỉnh Thanh Hóa', population: 3641, na: { units: 5, seats: 14 } },
  { provinceId: 'thua-thien-hue', name: 'Tỉnh Thừa Thiên Huế', population: 1129 },
  { provinceId: 'tien-giang', name: 'Tỉnh Tiền Giang', population: 1765 },
  { provinceId: 'tra-vinh', name: 'Tỉnh Trà Vinh', population: 1009 },
  { provinceId: 'tuyen-quang', name: 'Tỉnh Tuyên Quang', population: 785, na: { units: 3, seats: 6 } },
  { provinceId: 'vinh-long', name: 'Tỉnh Vĩnh Long', population: 1023 },
  { provinceId: 'vinh-phuc', name: 'Tỉnh Vĩnh Phúc', population: 1152 },
  { provinceId: 'yen-bai', name: 'Tỉnh Yên Bái', population: 822 },
];
