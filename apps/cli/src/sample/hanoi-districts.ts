/**
 * Hanoi's 30 district-level units in 2021 (12 quận, 17 huyện, 1 thị xã) with their population in thousands
 * (2019 census, rounded): used only to spread the 4,825 polling areas and 5.44 million voters realistically.
 */
export interface HanoiDistrict {
  districtId: string;
  name: string;
  kind: 'quận' | 'huyện' | 'thị xã';
  population: number;
}

export const HANOI_DISTRICTS: readonly HanoiDistrict[] = [
  { districtId: 'ba-dinh', name: 'Ba Đình', kind: 'quận', population: 221.9 },
  { districtId: 'hoan-kiem', name: 'Hoàn Kiếm', kind: 'quận', population: 135.6 },
  { districtId: 'dong-da', name: 'Đống Đa', kind: 'quận', population: 371.6 },
  { districtId: 'hai-ba-trung', name: 'Hai Bà Trưng', kind: 'quận', population: 303.6 },
  { districtId: 'tay-ho', name: 'Tây Hồ', kind: 'quận', population: 160.5 },
  { districtId: 'cau-giay', name: 'Cầu Giấy', kind: 'quận', population: 292.5 },
  { districtId: 'thanh-xuan', name: 'Thanh Xuân', kind: 'quận', population: 293.3 },
  { districtId: 'hoang-mai', name: 'Hoàng Mai', kind: 'quận', population: 506.3 },
  { districtId: 'long-bien', name: 'Long Biên', kind: 'quận', population: 322.5 },
  { districtId: 'ha-dong', name: 'Hà Đông', kind: 'quận', population: 382.6 },
  { districtId: 'bac-tu-liem', name: 'Bắc Từ Liêm', kind: 'quận', population: 335.1 },
  { districtId: 'nam-tu-liem', name: 'Nam Từ Liêm', kind: 'quận', population: 264.2 },
  { districtId: 'chuong-my', name: 'Chương Mỹ', kind: 'huyện', population: 337.3 },
  { districtId: 'thanh-oai', name: 'Thanh Oai', kind: 'huyện', population: 221.9 },
  { districtId: 'ung-hoa', name: 'Ứng Hòa', kind: 'huyện', population: 211.1 },
  { districtId: 'my-duc', name: 'Mỹ Đức', kind: 'huyện', population: 200.3 },
  { districtId: 'phu-xuyen', name: 'Phú Xuyên', kind: 'huyện', population: 229.8 },
  { districtId: 'thuong-tin', name: 'Thường Tín', kind: 'huyện', population: 256.6 },
  { districtId: 'thanh-tri', name: 'Thanh Trì', kind: 'huyện', population: 255.0 },
  { districtId: 'gia-lam', name: 'Gia Lâm', kind: 'huyện', population: 292.9 },
  { districtId: 'dong-anh', name: 'Đông Anh', kind: 'huyện', population: 381.3 },
  { districtId: 'me-linh', name: 'Mê Linh', kind: 'huyện', population: 241.6 },
  { districtId: 'soc-son', name: 'Sóc Sơn', kind: 'huyện', population: 343.4 },
  { districtId: 'hoai-duc', name: 'Hoài Đức', kind: 'huyện', population: 276.0 },
  { districtId: 'dan-phuong', name: 'Đan Phượng', kind: 'huyện', population: 185.8 },
  { districtId: 'quoc-oai', name: 'Quốc Oai', kind: 'huyện', population: 203.1 },
  { districtId: 'thach-that', name: 'Thạch Thất', kind: 'huyện', population: 214.3 },
  { districtId: 'phuc-tho', name: 'Phúc Thọ', kind: 'huyện', population: 185.4 },
  { districtId: 'ba-vi', name: 'Ba Vì', kind: 'huyện', population: 305.0 },
  { districtId: 'son-tay', name: 'Sơn Tây', kind: 'thị xã', population: 146.3 },
];

/**
 * The 10 National Assembly electoral units of Hanoi, 2021, numbered as in the official results resolution
 * (NQ 748/NQ-HĐBCQG; one press table swaps units 1 and 2). Units 1–9 elect 3 of 5. Unit 10 elects 2: it had 4
 * candidates on the official list and 3 on the ballot (one withdrawn on 16 May 2021, a week before polling day).
 */
export const HANOI_NA_UNITS: ReadonlyArray<{
  seats: number;
  /** Candidates on the ballot. */
  candidates: number;
  /** On the official list but withdrawn before polling day: not on the ballot, so not in the definition. */
  withdrawn: number;
  districtIds: string[];
}> = [
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['ba-dinh', 'dong-da', 'hai-ba-trung'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['hoan-kiem', 'long-bien', 'dong-anh'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['cau-giay', 'nam-tu-liem', 'thanh-xuan'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['hoang-mai', 'gia-lam'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['tay-ho', 'bac-tu-liem', 'hoai-duc'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['ha-dong', 'thanh-oai', 'thanh-tri'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['son-tay', 'phuc-tho', 'ba-vi', 'dan-phuong'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['quoc-oai', 'chuong-my', 'thach-that'] },
  { seats: 3, candidates: 5, withdrawn: 0, districtIds: ['ung-hoa', 'my-duc', 'phu-xuyen', 'thuong-tin'] },
  { seats: 2, candidates: 3, withdrawn: 1, districtIds: ['soc-son', 'me-linh'] },
];

/**
 * City People's Council units (unverified grouping, a plausible one): small neighbours share a unit, the two largest
 * districts are split in halves by polling area. Their order (hence their ids) is kept from the first version of the
 * sample, which followed a press table's NA order; it says nothing about the official council numbering.
 */
export const HANOI_COUNCIL_UNITS: ReadonlyArray<{ districtIds: string[]; half?: 1 | 2 }> = [
  { districtIds: ['hoan-kiem', 'tay-ho'] },
  { districtIds: ['long-bien'] },
  { districtIds: ['dong-anh'], half: 1 },
  { districtIds: ['dong-anh'], half: 2 },
  { districtIds: ['ba-dinh'] },
  { districtIds: ['dong-da'] },
  { districtIds: ['hai-ba-trung'] },
  { districtIds: ['cau-giay'] },
  { districtIds: ['nam-tu-liem'] },
  { districtIds: ['thanh-xuan'] },
  { districtIds: ['hoang-mai'], half: 1 },
  { districtIds: ['hoang-mai'], half: 2 },
  { districtIds: ['gia-lam'] },
  { districtIds: ['bac-tu-liem'] },
  { districtIds: ['hoai-duc'] },
  { districtIds: ['ha-dong'] },
  { districtIds: ['thanh-oai'] },
  { districtIds: ['thanh-tri'] },
  { districtIds: ['son-tay', 'phuc-tho'] },
  { districtIds: ['ba-vi'] },
  { districtIds: ['dan-phuong'] },
  { districtIds: ['quoc-oai'] },
  { districtIds: ['chuong-my'] },
  { districtIds: ['thach-that'] },
  { districtIds: ['ung-hoa'] },
  { districtIds: ['my-duc'] },
  { districtIds: ['phu-xuyen'] },
  { districtIds: ['thuong-tin'] },
  { districtIds: ['soc-son'] },
  { districtIds: ['me-linh'] },
];
